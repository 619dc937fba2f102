"""Pages of a service's event store for rebuilds, read as fast as this process can parse.

Two shapes:

- ``read_all`` gives the same Envelopes as PostgresEventStore.read_all, ``data`` parsed by
  json's C scanner directly (``json.loads`` first runs two whitespace regexes in Python,
  which cost more than the parse itself; jsonb::text never has surrounding whitespace).
  The rebuild's catch-up uses it.
- ``read_rows`` gives only what a folding rebuild needs, ``REBUILD_COLUMNS``: no stream
  type, recording time or correlation ids to decode, ``data`` left as JSON text so the event
  model parses it in pydantic-core (``model_validate_json``) without a Python dict in between,
  the business time as an integer.
  ``row_pages`` pages through them, fetching page k+1 while page k is being folded.
"""
from __future__ import annotations

import asyncio
import json
import json.scanner
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from shared.events.envelope import Envelope
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows

# json's C scanner called directly: json.loads without its per-call checks (rebuilds parse
# millions of documents Postgres wrote, so they are well-formed).
scan_json = json.scanner.make_scanner(json.JSONDecoder())
_SELECT = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2"

# Row layout of read_rows, what shared.projections.rebuild.RowDecoder reads: (position,
# stream_id, version, type, schema_version, data as JSON text, occurred_at as microseconds
# since the epoch (StoredEventMeta makes the datetime when it is read), event_id)
REBUILD_COLUMNS = ("position, stream_id, version, type, schema_version, data::text, "
                   "(extract(epoch FROM occurred_at) * 1000000)::int8, event_id")
_SELECT_ROWS = f"SELECT {REBUILD_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2"
_SELECT_ROWS_UNTIL = (f"SELECT {REBUILD_COLUMNS} FROM events WHERE position > $1 AND position <= $3 "
                      "ORDER BY position LIMIT $2")


def _parse(text: str) -> object:
    return scan_json(text, 0)[0]


class StorePages:
    def __init__(self, pool: asyncpg.Pool, producer: str) -> None:
        self.pool = pool
        self.producer = producer

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]:
        rows = await self.pool.fetch(_SELECT, after_position, limit)
        producer = self.producer
        return envelopes_from_rows(rows, producer, loads=_parse)

    async def read_rows(self, after_position: int = 0, limit: int = 1000,
                        until_position: int | None = None) -> Sequence[Any]:
        """asyncpg Records laid out as REBUILD_COLUMNS, position order."""
        if until_position is None:
            return await self.pool.fetch(_SELECT_ROWS, after_position, limit)
        return await self.pool.fetch(_SELECT_ROWS_UNTIL, after_position, limit, until_position)


async def row_pages(store: StorePages, after: int = 0, limit: int = 20000,
                    until: int | None = None) -> AsyncIterator[Sequence[Any]]:
    """Every row after ``after`` (up to ``until``), a page at a time, the next page in flight."""
    if until is None:  # a fixed end: each next page is then known before the current one is used
        until = await store.pool.fetchval("SELECT coalesce(max(position), 0) FROM events")
    if after >= until:
        return
    ahead: asyncio.Future[Sequence[Any]] = asyncio.ensure_future(store.read_rows(after, limit, until))
    try:
        while page := await ahead:
            last = page[-1][0]
            ahead = asyncio.ensure_future(store.read_rows(last, limit, until)) if last < until else _empty()
            yield page
    finally:
        if not ahead.done():
            ahead.cancel()


def _empty() -> asyncio.Future[Sequence[Any]]:
    future: asyncio.Future[Sequence[Any]] = asyncio.get_running_loop().create_future()
    future.set_result(())
    return future
