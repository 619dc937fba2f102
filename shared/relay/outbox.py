"""Reads stored events as ready-to-send Kafka records.

Postgres builds the envelope JSON itself: building an Envelope model and dumping it in
Python costs ~12 µs per event, which alone would cap the relay near 80k events/s. The JSON
has exactly the Envelope fields (decode_value() parses it into the same Envelope as
shared.events.codec.to_kafka would produce), and the headers are codec.headers_for's plus
``prev_position``.

``prev_position`` is the position of the event published just before this one. A consumer
whose checkpoint is below it knows it missed events (e.g. tansu restarted and the relay
republished while the consumer's fetch offset pointed past the new log's start) and
rewinds, so no assumption that positions are gapless is needed.
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

Headers = list[tuple[str, bytes]]

# bytea columns come back from asyncpg as bytes: no per-field str.encode() in Python.
_SELECT = """
SELECT position, convert_to(stream_id, 'UTF8') AS key, convert_to(type, 'UTF8') AS type,
       convert_to(schema_version::text, 'UTF8') AS schema_version,
       convert_to(event_id::text, 'UTF8') AS event_id, convert_to(correlation_id, 'UTF8') AS correlation_id,
       convert_to(row_to_json(e)::text, 'UTF8') AS value
FROM (SELECT event_id, type, schema_version, stream_id, stream_type, version, position, occurred_at,
             recorded_at, correlation_id, causation_id, $3::text AS producer, data
      FROM events
      WHERE position > $1
      ORDER BY position
      LIMIT $2) AS e
ORDER BY position
"""


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    position: int
    key: bytes
    value: bytes
    headers: Headers


async def read_after(conn: asyncpg.Connection, after: int, limit: int, producer: str) -> list[OutgoingRecord]:
    rows = await conn.fetch(_SELECT, after, limit, producer)
    records: list[OutgoingRecord] = []
    append = records.append
    previous = after
    for position, key, type_, schema_version, event_id, correlation_id, value in rows:
        headers: Headers = [("type", type_), ("schema_version", schema_version), ("event_id", event_id)]
        if correlation_id:
            headers.append(("correlation_id", correlation_id))
        headers.append(("prev_position", str(previous).encode()))
        append(OutgoingRecord(position, key, value, headers))
        previous = position
    return records
