"""A decider bundles an aggregate's pure functions (Equinox/Eventuous style)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.events.base import DomainEvent

S = TypeVar("S")
C = TypeVar("C")


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    stream_type: str
    initial: S
    evolve: Callable[[S, DomainEvent], S]  # total: never raises
    decide: Callable[[S, C], Sequence[DomainEvent]]  # events, or a DomainError

    def fold(self, events: Sequence[DomainEvent]) -> S:
        current = self.initial
        for event in events:
            current = self.evolve(current, event)
        return current
