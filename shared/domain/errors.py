"""Domain errors: the only failures a decider may raise.

Each maps to one gRPC status code (see shared.grpc.errors), so a client always learns
*why* a command was refused and never sees UNKNOWN.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base class: a command was refused for a reason the client can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class InvalidArgument(DomainError):
    """Bad input: names every offending field and why (-> INVALID_ARGUMENT)."""

    def __init__(self, violations: list[FieldViolation] | FieldViolation) -> None:
        if isinstance(violations, FieldViolation):
            violations = [violations]
        self.violations = list(violations)
        summary = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        super().__init__(f"invalid argument: {summary}")

    @classmethod
    def of(cls, field: str, description: str) -> "InvalidArgument":
        return cls(FieldViolation(field, description))


class PreconditionFailed(DomainError):
    """An invariant forbids the command in the current state (-> FAILED_PRECONDITION)."""


class NotFound(DomainError):
    """The addressed aggregate does not exist (-> NOT_FOUND)."""


class AlreadyExists(DomainError):
    """The command would create something that exists already (-> ALREADY_EXISTS)."""


class ConcurrencyConflict(DomainError):
    """Someone else wrote the stream first; reload and retry (-> ABORTED)."""


class Unavailable(DomainError):
    """A dependency (e.g. a lagging read model) cannot answer in time; retry (-> UNAVAILABLE)."""


@dataclass(frozen=True)
class Violations:
    """Collects field violations so validation reports all of them at once."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, field_name: str, description: str) -> None:
        self.items.append(FieldViolation(field_name, description))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)
