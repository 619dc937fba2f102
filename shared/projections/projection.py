"""How a read model is declared: its schema, its sources and its handlers."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.registry import EventRegistry

Handler = Callable[[asyncpg.Connection, Envelope, Any], Awaitable[None]]
# Set-based writes for a whole page of events (rebuilds); events[i] belongs to envelopes[i].
# Set-based writes for a run of consecutive events of one type in a live batch (one statement
# instead of one per event): items are (envelope, event) pairs, in position order.
BulkHandler = Callable[[asyncpg.Connection, Sequence[tuple[Envelope, Any]]], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, Sequence[Envelope], Sequence[DomainEvent]], Awaitable[None]]


@dataclass(frozen=True)
class Projection:
    """A read model in its own Postgres schema ``name``.

    ``sources`` maps each source topic (``lab27.<service>.events``) to the registry that
    decodes it. Types the registry knows but no handler wants are skipped (the checkpoint
    still advances); types the registry does not know are poison and go to the DLQ.

    ``bulk_handlers`` (optional, per type) apply a run of two or more consecutive events of
    that type in one go; they must build exactly what the per-event handler would, event by
    event. If one raises, the batch is replayed per event with ``handlers`` (so a type with a
    bulk handler needs a per-event one too).
    """

    name: str
    sources: Mapping[str, EventRegistry]
    ddl: str
    handlers: Mapping[str, Handler]
    apply_batch: BatchHandler | None = None
    bulk_handlers: Mapping[str, BulkHandler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.lower() != self.name:
            raise ValueError(f"projection name must be a lower-case identifier: {self.name!r}")
        if missing := set(self.bulk_handlers) - set(self.handlers):
            raise ValueError(f"bulk handlers without a per-event handler: {sorted(missing)}")

    @property
    def topics(self) -> list[str]:
        return list(self.sources)
