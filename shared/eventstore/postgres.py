"""The Postgres event store: commit-ordered positions and group commit.

One writer task drains a queue of pending appends and writes each batch in ONE transaction:
advisory lock, one query for the streams' versions and the known request ids, conflicts
resolved in memory in queue order (shared.eventstore.batch), one INSERT of all survivors
(events + requests + NOTIFY in a single statement), commit, then every caller's future is
resolved. Throughput comes from sharing a commit (one fsync) between concurrent callers.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from shared.db import create_pool
from shared.eventstore.base import AppendResult, Snapshot, pages
from shared.eventstore.batch import BatchPlan, PendingAppend, check_events, plan_batch
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows
from shared.eventstore.schema import APPEND_LOCK_KEY, NOTIFY_CHANNEL, POSITION_SEQUENCE, setup_schema
from shared.events.envelope import Envelope, NewEvent

# BEGIN and the lock in one round trip (simple query protocol, constant key).
BEGIN_AND_LOCK = f"BEGIN; SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})"

# Read AFTER the lock is held, in a new statement: its snapshot then sees every earlier
# holder's commit, so the versions are current and the insert cannot hit UNIQUE.
CURRENT_STATE = """
SELECT stream_id AS key, max(version) AS version, NULL::text AS stream_id, NULL::bigint AS position
FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id
UNION ALL
SELECT request_id, version, stream_id, position FROM requests WHERE request_id = ANY($2::text[])
"""

# Positions base+1 .. base+$1 are reserved in one step; safe because every drawer holds the lock.
INSERT_BATCH = f"""
WITH reserved AS MATERIALIZED (
    SELECT setval('{POSITION_SEQUENCE}', nextval('{POSITION_SEQUENCE}') + $1 - 1) - $1 AS base
), written AS (
    INSERT INTO events (position, event_id, stream_id, stream_type, version, type, schema_version,
                        data, occurred_at, correlation_id, causation_id, request_id)
    SELECT reserved.base + e.ordinal, e.event_id, e.stream_id, e.stream_type, e.version, e.type,
           e.schema_version, e.data::jsonb, e.occurred_at, e.correlation_id, e.causation_id,
           e.request_id
    FROM reserved, unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[],
                          $8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::text[])
         WITH ORDINALITY AS e(event_id, stream_id, stream_type, version, type, schema_version,
                              data, occurred_at, correlation_id, causation_id, request_id, ordinal)
), remembered AS (
    INSERT INTO requests (request_id, stream_id, version, position)
    SELECT r.request_id, r.stream_id, r.version, reserved.base + r.ordinal
    FROM reserved, unnest($13::text[], $14::text[], $15::int[], $16::bigint[])
         AS r(request_id, stream_id, version, ordinal)
)
SELECT base, pg_notify('{NOTIFY_CHANNEL}', (base + $1)::text) FROM reserved
"""

SELECT_EVENTS = f"SELECT {ENVELOPE_COLUMNS} FROM events"

_STOP = object()


class PostgresEventStore:
    """``batch_window``: seconds the writer waits after the first pending append to gather
    more (0 = write whatever is queued right away; concurrent callers still share commits)."""

    def __init__(self, pool: asyncpg.Pool, producer: str, *, batch_window: float = 0.0,
                 max_batch: int = 1000, owns_pool: bool = False) -> None:
        self.producer = producer
        self._pool = pool
        self._batch_window = batch_window
        self._max_batch = max_batch
        self._owns_pool = owns_pool
        self._queue: asyncio.Queue[Any] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        self.batches_written = 0  # transactions committed by the writer (for metrics, benches)
        self.appends_written = 0  # appends that wrote events

    @classmethod
    async def connect(cls, dsn: str, producer: str, *, min_size: int = 1, max_size: int = 10,
                      **options: Any) -> PostgresEventStore:
        """A store with its own pool, closed by close()."""
        pool = await create_pool(dsn, min_size=min_size, max_size=max_size)
        return cls(pool, producer, owns_pool=True, **options)

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def migrate(self) -> None:
        await setup_schema(self._pool)

    async def start(self) -> None:
        if self._closed:
            raise RuntimeError("event store is closed")
        if self._writer is None:
            self._queue = asyncio.Queue()
            self._writer = asyncio.create_task(self._run_writer(), name="eventstore-writer")

    async def close(self) -> None:
        """Write what is queued, stop the writer, close the pool if this store made it."""
        self._closed = True
        if self._writer is not None:
            assert self._queue is not None
            self._queue.put_nowait(_STOP)
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._owns_pool:
            await self._pool.close()

    # -- appends ---------------------------------------------------------------------------

    async def append(self, stream_id: str, stream_type: str, expected_version: int | None,
                     events: Sequence[NewEvent], request_id: str | None = None) -> AppendResult:
        check_events(events)
        if self._writer is None:
            await self.start()
        elif self._closed:
            raise RuntimeError("event store is closed")
        assert self._queue is not None
        # Encoded here, in the caller's task: bad data fails this caller, not the batch.
        payloads = [json.dumps(e.data, separators=(",", ":")) for e in events]
        future: asyncio.Future[AppendResult] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(PendingAppend(stream_id, stream_type, expected_version, events,
                                             request_id, future, payloads))
        return await future

    async def _run_writer(self) -> None:
        assert self._queue is not None
        queue = self._queue
        batch: list[PendingAppend] = []
        try:
            stopping = False
            while not stopping:
                first = await queue.get()
                if first is _STOP:
                    break
                batch = [first]
                if self._batch_window > 0:
                    await asyncio.sleep(self._batch_window)
                while len(batch) < self._max_batch and not queue.empty():
                    item = queue.get_nowait()
                    if item is _STOP:
                        stopping = True
                        break
                    batch.append(item)
                await self._commit([i for i in batch if not i.future.done()])  # skip cancelled callers
                batch = []
        finally:
            leftovers = batch + [i for i in _drain(queue) if i is not _STOP]
            for item in leftovers:
                if not item.future.done():
                    item.future.set_exception(RuntimeError("event store writer stopped"))

    async def _commit(self, batch: list[PendingAppend]) -> None:
        if not batch:
            return
        try:
            outcomes = await self._write_batch(batch)
        except asyncpg.IntegrityConstraintViolationError as exc:
            # One bad append (say, a reused event_id) must not fail its neighbours.
            outcomes = [exc] if len(batch) == 1 else [await self._write_alone(i) for i in batch]
        except Exception as exc:  # connection lost, server down...: every caller may retry
            outcomes = [exc] * len(batch)
        for item, outcome in zip(batch, outcomes, strict=True):
            if item.future.done():
                continue
            if isinstance(outcome, BaseException):
                item.future.set_exception(outcome)
            else:
                item.future.set_result(outcome)

    async def _write_alone(self, item: PendingAppend) -> AppendResult | Exception:
        try:
            return (await self._write_batch([item]))[0]
        except Exception as exc:
            return exc

    async def _write_batch(self, items: Sequence[PendingAppend]) -> list[AppendResult | Exception]:
        streams = list(dict.fromkeys(i.stream_id for i in items))
        request_ids = [i.request_id for i in items if i.request_id is not None]
        async with self._pool.acquire() as conn:
            await conn.execute(BEGIN_AND_LOCK)
            try:
                versions: dict[str, int] = {}
                known: dict[str, AppendResult] = {}
                for key, version, stream_id, position in await conn.fetch(CURRENT_STATE, streams,
                                                                          request_ids):
                    if stream_id is None:
                        versions[key] = version
                    else:
                        known[key] = AppendResult(stream_id, version, position, duplicate=True)
                plan = plan_batch(items, versions, known)
                base = 0
                if plan.writes:
                    base = await conn.fetchval(INSERT_BATCH, *_insert_arguments(plan))
                await conn.execute("COMMIT")
                self.batches_written += 1
                self.appends_written += len(plan.writes)
            except BaseException:
                if not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.execute("ROLLBACK")
                raise
        return plan.outcomes(items, base)

    # -- reads -----------------------------------------------------------------------------

    async def lookup_request(self, request_id: str) -> AppendResult | None:
        row = await self._pool.fetchrow(
            "SELECT stream_id, version, position FROM requests WHERE request_id = $1", request_id)
        return AppendResult(row[0], row[1], row[2], duplicate=True) if row else None

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[Envelope]:
        rows = await self._pool.fetch(
            f"{SELECT_EVENTS} WHERE stream_id = $1 AND version >= $2 ORDER BY version",
            stream_id, from_version)
        return envelopes_from_rows(rows, self.producer)

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]:
        rows = await self._pool.fetch(
            f"{SELECT_EVENTS} WHERE position > $1 ORDER BY position LIMIT $2", after_position, limit)
        return envelopes_from_rows(rows, self.producer)

    def iter_batches(self, after_position: int = 0, batch_size: int = 1000) -> AsyncIterator[list[Envelope]]:
        return pages(self.read_all, after_position, batch_size)

    async def last_position(self) -> int:
        return await self._pool.fetchval("SELECT coalesce(max(position), 0) FROM events")

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        await self._pool.execute(
            """INSERT INTO snapshots (stream_id, version, state) VALUES ($1, $2, $3::text::jsonb)
               ON CONFLICT (stream_id) DO UPDATE
               SET version = excluded.version, state = excluded.state, taken_at = now()
               WHERE snapshots.version <= excluded.version""",
            snapshot.stream_id, snapshot.version, json.dumps(snapshot.state))

    async def load_snapshot(self, stream_id: str) -> Snapshot | None:
        row = await self._pool.fetchrow(
            "SELECT version, state::text FROM snapshots WHERE stream_id = $1", stream_id)
        return Snapshot(stream_id, row[0], json.loads(row[1])) if row else None


def _insert_arguments(plan: BatchPlan) -> list[Any]:
    columns: list[list[Any]] = [[] for _ in range(11)]
    (event_ids, stream_ids, stream_types, versions, types, schema_versions, data, occurred_at,
     correlation_ids, causation_ids, request_ids) = columns
    requests: list[list[Any]] = [[], [], [], []]
    for write in plan.writes:
        item = write.item
        for offset, (event, payload) in enumerate(zip(item.events, item.payloads, strict=True)):
            event_ids.append(event.event_id)
            stream_ids.append(item.stream_id)
            stream_types.append(item.stream_type)
            versions.append(write.first_version + offset)
            types.append(event.type)
            schema_versions.append(event.schema_version)
            data.append(payload)
            occurred_at.append(event.occurred_at)
            correlation_ids.append(event.correlation_id)
            causation_ids.append(event.causation_id)
            request_ids.append(item.request_id)
        if item.request_id is not None:
            for column, value in zip(requests, (item.request_id, item.stream_id, write.last_version,
                                                write.last_ordinal)):
                column.append(value)
    return [plan.event_count, *columns, *requests]


def _drain(queue: asyncio.Queue[Any]) -> list[Any]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
