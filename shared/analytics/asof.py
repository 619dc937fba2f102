"""Streams' states as of a past moment, folded by the service's decider from the store.

Two questions, two clocks (see shared.application.business_time):
- ``recorded``: as the system knew it at an instant (events recorded up to then);
- ``on``: as things stood in business time at the end of a date in Paris (events that
  occurred by then, whenever they were recorded: "which cohorts were running in May 2018?").
"""
from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from shared.application.business_time import PROGRAMME_TIME_ZONE
from shared.application.decider import Decider
from shared.events.envelope import Envelope
from shared.events.registry import EventRegistry
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows

_BY_RECORDING = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE stream_id = $1 AND recorded_at <= $2 ORDER BY version"
_BY_OCCURRENCE = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE stream_id = $1 AND occurred_at < $2 ORDER BY version"
_STREAMS = "SELECT DISTINCT stream_id FROM events WHERE stream_type = $1 AND {clock} ORDER BY stream_id"


def end_of(day: date) -> datetime:
    """The first instant after ``day`` ends in Paris."""
    return datetime.combine(day + timedelta(days=1), time(0), PROGRAMME_TIME_ZONE)


@dataclasses.dataclass(frozen=True)
class Moment:
    """Either ``recorded`` (an instant) or ``on`` (a business date)."""

    recorded: datetime | None = None
    on: date | None = None

    def __post_init__(self) -> None:
        if (self.recorded is None) == (self.on is None):
            raise ValueError("give either a recording instant or a business date")

    def query(self) -> tuple[str, datetime, str]:
        if self.recorded is not None:
            return _BY_RECORDING, self.recorded, "recorded_at <= $2"
        assert self.on is not None
        return _BY_OCCURRENCE, end_of(self.on), "occurred_at < $2"

    def label(self) -> dict[str, str]:
        return {"recorded_by": self.recorded.isoformat()} if self.recorded else {"on": self.on.isoformat()}


async def state_as_of(dsn: str, registry: EventRegistry, decider: Decider, stream_id: str,
                      at: datetime | Moment) -> dict[str, Any]:
    """``{"stream_id", <moment>, "version", "position", "recorded_at", "occurred_at", "state"}``;
    version 0 and the decider's initial state when nothing was there by then."""
    moment = at if isinstance(at, Moment) else Moment(recorded=at)
    conn = await asyncpg.connect(dsn)
    try:
        return await _state(conn, registry, decider, stream_id, moment)
    finally:
        await conn.close()


async def states_as_of(dsn: str, registry: EventRegistry, decider: Decider, moment: Moment) -> AsyncIterator[dict]:
    """Every stream of the decider's type that existed by ``moment``, as state_as_of gives each."""
    _sql, bound, clock = moment.query()
    conn = await asyncpg.connect(dsn)
    try:
        for row in await conn.fetch(_STREAMS.format(clock=clock), decider.stream_type, bound):
            yield await _state(conn, registry, decider, row[0], moment)
    finally:
        await conn.close()


async def _state(conn: asyncpg.Connection, registry: EventRegistry, decider: Decider, stream_id: str,
                 moment: Moment) -> dict[str, Any]:
    sql, bound, _clock = moment.query()
    envelopes: list[Envelope] = envelopes_from_rows(await conn.fetch(sql, stream_id, bound), "")
    state = decider.fold([registry.decode(e.type, e.schema_version, e.data) for e in envelopes])
    last = envelopes[-1] if envelopes else None
    return {
        "stream_id": stream_id,
        **moment.label(),
        "version": last.version if last else 0,
        "position": last.position if last else 0,
        "recorded_at": last.recorded_at.isoformat() if last else None,
        "occurred_at": last.occurred_at.isoformat() if last else None,
        "state": jsonable(state),
    }


def jsonable(state: Any) -> Any:
    if dataclasses.is_dataclass(state) and not isinstance(state, type):
        state = {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}
    elif isinstance(state, BaseModel):
        state = state.model_dump(mode="json")
    return to_jsonable_python(state)
