"""A stream's state as of an instant: its events recorded up to then, folded by the decider."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from shared.application.decider import Decider
from shared.events.registry import EventRegistry
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows

_SQL = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE stream_id = $1 AND recorded_at <= $2 ORDER BY version"


async def state_as_of(dsn: str, registry: EventRegistry, decider: Decider, stream_id: str,
                      at: datetime) -> dict[str, Any]:
    """``{"stream_id", "at", "version", "position", "recorded_at", "state"}``; version 0 and the
    decider's initial state when nothing was recorded by then."""
    conn = await asyncpg.connect(dsn)
    try:
        envelopes = envelopes_from_rows(await conn.fetch(_SQL, stream_id, at), "")
    finally:
        await conn.close()
    state = decider.fold([registry.decode(e.type, e.schema_version, e.data) for e in envelopes])
    last = envelopes[-1] if envelopes else None
    return {
        "stream_id": stream_id,
        "at": at.isoformat(),
        "version": last.version if last else 0,
        "position": last.position if last else 0,
        "recorded_at": last.recorded_at.isoformat() if last else None,
        "state": jsonable(state),
    }


def jsonable(state: Any) -> Any:
    if dataclasses.is_dataclass(state) and not isinstance(state, type):
        state = {f.name: getattr(state, f.name) for f in dataclasses.fields(state)}
    elif isinstance(state, BaseModel):
        state = state.model_dump(mode="json")
    return to_jsonable_python(state)
