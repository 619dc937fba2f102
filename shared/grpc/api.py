"""What every servicer needs, so that a servicer holds only its own service's translations.

- proto values -> domain input: enum numbers as the domain's text, ids, dates, money;
- :meth:`Api.command`: a command model built from the request's fields, validated together
  with the request id, expected version and consistency token, every bad field reported at
  once at the request's path;
- :meth:`Api.result`: the CommandResult of an outcome, with its consistency token;
- :meth:`Api.caught_up`: a query's bounded wait for the token it was given.
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from lab27.common.v1 import common_pb2
from shared.application.command_handler import CommandOutcome
from shared.application.consistency import decode_token, encode_token, merged
from shared.application.requests import RequestMeta
from shared.domain.errors import FieldViolation, InvalidArgument
from shared.domain.fields import Money, violations
from shared.grpc.correlation import current_correlation_id

C = TypeVar("C", bound=BaseModel)
E = TypeVar("E", bound=Enum)

# Waits until a read model has applied a token's positions (raises Unavailable on timeout).
WaitForToken = Callable[[str, Mapping[str, int]], Awaitable[None]]


def today() -> date:
    return datetime.now(UTC).date()


# --- proto -> domain ---------------------------------------------------------------------------


def _prefix(enum_type: Any) -> str:
    """``Kind`` -> ``KIND_``, ``AgentCategory`` -> ``AGENT_CATEGORY_`` (buf's enum value prefix)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum_type.DESCRIPTOR.name).upper() + "_"


def enum_text(enum_type: Any, value: int) -> str:
    """The domain spelling of a proto enum number (``KIND_COMMUNE`` -> ``commune``), left for
    the command's type to validate, so that an unknown or unspecified value is reported
    together with every other bad field."""
    name = enum_type.Name(value) if value in enum_type.values() else str(value)
    return name.removeprefix(_prefix(enum_type)).lower()


def enum_filter(enum_type: Any, value: int, domain: type[E], field: str) -> E | None:
    """A proto enum number as a query filter: ``*_UNSPECIFIED`` is no filter (None)."""
    text = enum_text(enum_type, value)
    if text == "unspecified":
        return None
    try:
        return domain(text)
    except ValueError:
        raise InvalidArgument.of(field, f"must be one of {', '.join(m.value for m in domain)}") from None


def enum_value(enum_type: Any, value: str | Enum) -> int:
    """A domain value as the proto enum number (``commune`` -> ``KIND_COMMUNE``)."""
    text = value.value if isinstance(value, Enum) else value
    return enum_type.Value(_prefix(enum_type) + text.upper())


def uuid_of(value: str, field: str) -> UUID:
    """An id a query or a command names; InvalidArgument naming ``field`` if it is none."""
    try:
        if len(value) <= 36:
            return UUID(value)
    except ValueError:
        pass
    raise InvalidArgument.of(field, "must be an id (a UUID)")


def date_parts(value: common_pb2.Date) -> tuple[int, int, int] | None:
    """A proto date as (year, month, day) for a BusinessDate field to check; None when unset."""
    if not (value.year or value.month or value.day):
        return None
    return (value.year, value.month, value.day)


def date_proto(value: date | None) -> common_pb2.Date | None:
    return common_pb2.Date(year=value.year, month=value.month, day=value.day) if value else None


def money_input(value: common_pb2.Money) -> dict[str, Any]:
    """A proto Money for a Money field to check (cents and currency as given)."""
    return {"amount_cents": value.amount_cents, "currency": value.currency}


def money_proto(value: Money) -> common_pb2.Money:
    return common_pb2.Money(amount_cents=value.amount_cents, currency=value.currency)


# --- the kit a servicer is given ---------------------------------------------------------------


class Api:
    """``topic``: the service's own events topic (what its command tokens name);
    ``wait_for``: the bounded wait on a read model for a token's positions."""

    def __init__(self, topic: str, wait_for: WaitForToken, clock: Callable[[], date] = today) -> None:
        self.topic = topic
        self._wait_for = wait_for
        self._today = clock

    def today(self) -> date:
        return self._today()

    def business_date(self, value: common_pb2.Date) -> date | tuple[int, int, int]:
        """A request's date, today when unset (checked by the command's BusinessDate field)."""
        return date_parts(value) or self._today()

    def command(self, model: type[C], request: Any, rename: Mapping[str, str] | None = None,
                /, **fields: Any) -> tuple[C, RequestMeta]:
        """The command and the request's meta, or InvalidArgument with every bad field of both.

        ``rename`` maps the command's field names to the request's where they differ
        (``{"admitted_on": "effective_date"}``), so a violation names what the client sent.
        """
        found: list[FieldViolation] = []
        command = meta = None
        try:
            command = model(**fields)
        except ValidationError as error:
            found += violations(error, rename)
        try:
            meta = RequestMeta(request_id=getattr(request, "request_id", ""),
                               expected_version=getattr(request, "expected_version", 0),
                               consistency_token=getattr(request, "consistency_token", ""),
                               correlation_id=current_correlation_id())
        except ValidationError as error:
            found += violations(error)
        if found:
            raise InvalidArgument(found)
        assert command is not None and meta is not None
        return command, meta

    def result(self, outcome: CommandOutcome, meta: RequestMeta | None = None) -> common_pb2.CommandResult:
        positions = merged(meta.after if meta else {}, {self.topic: outcome.position})
        return common_pb2.CommandResult(stream_id=outcome.stream_id, version=outcome.version,
                                        consistency_token=encode_token(positions), duplicate=outcome.duplicate)

    async def caught_up(self, token: str, read_model: str) -> None:
        """Return once ``read_model`` has applied what ``token`` names (InvalidArgument if it is
        not a token, Unavailable if the read model does not catch up in time)."""
        positions = decode_token(token)
        if positions:
            await self._wait_for(read_model, positions)
