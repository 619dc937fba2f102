"""A history: the events one publisher stored, in order, as the contract test appends them."""
from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry


@dataclass(frozen=True)
class Stored:
    stream_id: str
    stream_type: str
    event: NewEvent


def stored(stream_id: str, stream_type: str, events: Sequence[DomainEvent], registry: EventRegistry,
           occurred_at: datetime | None = None) -> list[Stored]:
    out = []
    for event in events:
        event_type, schema_version, data = registry.encode(event)
        out.append(Stored(stream_id, stream_type, NewEvent(
            event_id=uuid.uuid4(), type=event_type, schema_version=schema_version, data=data,
            occurred_at=occurred_at or datetime.now(UTC))))
    return out


def interleaved(history: list[Stored], rng: random.Random) -> list[Stored]:
    """The streams' events interleaved at random, each stream's own events in decided order."""
    queues: dict[str, list[Stored]] = {}
    for item in history:
        queues.setdefault(item.stream_id, []).append(item)
    turns = [item.stream_id for item in history]
    rng.shuffle(turns)
    return [queues[stream].pop(0) for stream in turns]
