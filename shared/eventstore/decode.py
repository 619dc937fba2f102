"""Rows of ``events`` -> Envelope, without re-validating what the store itself wrote.

Rebuilds and the relay read millions of rows: building the model's __dict__ directly costs
~1 µs per envelope against ~4 µs for ``model_construct`` and ~2 µs for validation. The row
types are already right (asyncpg gives UUID, datetime, int, str; data is decoded here).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from shared.events.envelope import Envelope

ENVELOPE_COLUMNS = ("position, event_id, stream_id, stream_type, version, type, schema_version, "
                    "data::text, occurred_at, recorded_at, correlation_id, causation_id")

_FIELDS = frozenset(Envelope.model_fields)
_new = object.__new__
_set = object.__setattr__


def trusted_envelope(values: dict[str, Any]) -> Envelope:
    """An Envelope from values known to be valid (every field present, right types)."""
    envelope = _new(Envelope)
    _set(envelope, "__dict__", values)
    _set(envelope, "__pydantic_fields_set__", _FIELDS)
    _set(envelope, "__pydantic_extra__", None)
    _set(envelope, "__pydantic_private__", None)
    return envelope


def envelopes_from_rows(rows: Iterable[Any], producer: str,
                        loads: Callable[[str], Any] = json.loads) -> list[Envelope]:
    """``rows`` selected with ENVELOPE_COLUMNS, in that order; ``loads`` parses ``data``."""
    return [
        trusted_envelope({
            "event_id": event_id, "type": type_, "schema_version": schema_version,
            "stream_id": stream_id, "stream_type": stream_type, "version": version,
            "position": position, "occurred_at": occurred_at, "recorded_at": recorded_at,
            "correlation_id": correlation_id, "causation_id": causation_id,
            "producer": producer, "data": loads(data),
        })
        for (position, event_id, stream_id, stream_type, version, type_, schema_version, data,
             occurred_at, recorded_at, correlation_id, causation_id) in rows
    ]
