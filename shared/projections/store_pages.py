"""Pages of a service's event store for rebuilds, read as fast as this process can parse.

Two shapes:

- ``read_all`` gives the same Envelopes as PostgresEventStore.read_all, ``data`` parsed by
  json's C scanner directly (``json.loads`` first runs two whitespace regexes in Python,
  which cost more than the parse itself; jsonb::text never has surrounding whitespace).
  The rebuild's catch-up uses it.
- ``row_pages`` gives only what a folding rebuild needs, ``REBUILD_COLUMNS``: no stream
  type, recording time or correlation ids to decode, ``data`` left as JSON text so the event
  model parses it in pydantic-core (``model_validate_json``) without a Python dict in between,
  the business time as an integer; page k+1 is fetched while page k is being folded.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import json.scanner
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from operator import itemgetter
from typing import Any

import asyncpg

from shared.events.envelope import Envelope
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows

# json's C scanner called directly: json.loads without its per-call checks (rebuilds parse
# millions of documents Postgres wrote, so they are well-formed).
scan_json = json.scanner.make_scanner(json.JSONDecoder())
_SELECT = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2"

# Row layout of row_pages, what shared.projections.rebuild.RowDecoder reads: (position,
# stream_id, version, type, schema_version, data as JSON text, occurred_at as microseconds
# since 2000-01-01 UTC (StoredEventMeta makes the datetime when it is read), event_id)
REBUILD_COLUMNS = "position, stream_id, version, type, schema_version, data::text, occurred_at, event_id"
_SELECT_ROWS_UNTIL = (f"SELECT {REBUILD_COLUMNS} FROM events WHERE position > $1 AND position <= $3 "
                      "ORDER BY position LIMIT $2")


@contextlib.asynccontextmanager
async def integer_times(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection of ``pool`` on which a timestamptz reads as Postgres keeps it, an integer
    of microseconds since 2000-01-01 UTC, given back as it was.

    asyncpg makes each timestamptz a datetime by datetime arithmetic in Python, which was a
    fifth of a fold's time; its "tuple" format hands over the integer from C instead."""
    async with pool.acquire() as conn:
        await conn.set_type_codec("timestamptz", schema="pg_catalog", encoder=_no_times_written,
                                  decoder=itemgetter(0), format="tuple")
        try:
            yield conn
        finally:
            try:
                await conn.reset_type_codec("timestamptz", schema="pg_catalog")
            except BaseException:
                conn.terminate()  # never back into the pool reading times as integers
                raise


def _no_times_written(value: object) -> tuple[int]:
    raise TypeError("a connection from integer_times only reads")


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


async def _rows(conn: asyncpg.Connection, after: int, limit: int, until: int) -> Sequence[Any]:
    """asyncpg Records laid out as REBUILD_COLUMNS, position order."""
    return await conn.fetch(_SELECT_ROWS_UNTIL, after, limit, until)


async def row_pages(store: StorePages, after: int = 0, limit: int = 20000,
                    until: int | None = None) -> AsyncGenerator[Sequence[Any], None]:
    """Every row after ``after`` (up to ``until``), a page at a time, the next page in flight,
    all on one connection."""
    if until is None:  # a fixed end: each next page is then known before the current one is used
        until = await store.pool.fetchval("SELECT coalesce(max(position), 0) FROM events")
    if after >= until:
        return
    async with integer_times(store.pool) as conn:
        ahead: asyncio.Future[Sequence[Any]] = asyncio.ensure_future(_rows(conn, after, limit, until))
        try:
            while page := await ahead:
                last = page[-1][0]
                ahead = asyncio.ensure_future(_rows(conn, last, limit, until)) if last < until else _empty()
                yield page
        finally:
            if not ahead.done():
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ahead  # the connection is free again before it is given back


def _empty() -> asyncio.Future[Sequence[Any]]:
    future: asyncio.Future[Sequence[Any]] = asyncio.get_running_loop().create_future()
    future.set_result(())
    return future
