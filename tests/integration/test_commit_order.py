"""Positions are commit-ordered: a reader tailing ``position > last_seen`` never skips.

The trap (ARCHITECTURE brief): positions drawn from a sequence are handed out in draw
order, but transactions commit in any order. A transaction that drew position p and
commits late lets a reader see p+1.. first, advance past p, and never come back.
The store draws positions only while holding a transaction-scoped advisory lock, so no
lower position can still be in flight once a higher one is visible.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from shared.eventstore.base import NO_STREAM
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.schema import APPEND_LOCK_KEY, POSITION_SEQUENCE
from shared.events.envelope import NewEvent

pytestmark = pytest.mark.integration

RAW_INSERT = f"""
INSERT INTO events (position, event_id, stream_id, stream_type, version, type, data, occurred_at)
VALUES (nextval('{POSITION_SEQUENCE}'), $1, $2, 'test', 1, 'Happened', $3::text::jsonb, now())
RETURNING position
"""


def event() -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), type="Happened", data={}, occurred_at=datetime.now(UTC))


async def raw_append(conn: asyncpg.Connection, *, lock: bool) -> int:
    """One event on a new stream inside the caller's open transaction. ``lock=True`` is the
    store's protocol (lock before drawing a position); ``lock=False`` is the naive append."""
    if lock:
        await conn.execute("SELECT pg_advisory_xact_lock($1)", APPEND_LOCK_KEY)
    return await conn.fetchval(RAW_INSERT, uuid.uuid4(), f"s-{uuid.uuid4().hex}", json.dumps({}))


@pytest.fixture
async def store(fresh_dsn: str):
    store = await PostgresEventStore.connect(fresh_dsn, "commit-order", max_size=8)
    await store.migrate()
    yield store
    await store.close()


async def positions_after(store: PostgresEventStore, after: int) -> list[int]:
    return [e.position for e in await store.read_all(after, 10_000)]


async def test_naive_sequence_appends_let_a_tailing_reader_skip(store: PostgresEventStore, fresh_dsn: str) -> None:
    """Why the lock exists: without it, the late commit is lost to the tailer for good."""
    late, other = await asyncpg.connect(fresh_dsn), await asyncpg.connect(fresh_dsn)
    try:
        async with late.transaction():
            late_position = await raw_append(late, lock=False)
            for _ in range(3):  # later draws, committed first (each its own transaction)
                async with other.transaction():
                    await raw_append(other, lock=False)
            seen = await positions_after(store, 0)
            assert seen == [late_position + 1, late_position + 2, late_position + 3]
            last_seen = seen[-1]
        # the late transaction commits now, below what the tailer has already passed
        assert await positions_after(store, last_seen) == []
        everything = await positions_after(store, 0)
        assert late_position in everything and late_position not in seen  # skipped forever
    finally:
        await late.close()
        await other.close()


async def test_a_late_commit_holds_back_later_appends(store: PostgresEventStore, fresh_dsn: str) -> None:
    """A transaction that drew a position under the lock and has not committed blocks every
    other append, so nothing above its position can become visible before it does."""
    await store.append("before", "test", NO_STREAM, [event()])
    late = await asyncpg.connect(fresh_dsn)
    try:
        tr = late.transaction()
        await tr.start()
        late_position = await raw_append(late, lock=True)
        appends = [asyncio.create_task(store.append(f"s-{i}", "test", NO_STREAM, [event()]))
                   for i in range(20)]
        await asyncio.sleep(0.2)
        assert not any(a.done() for a in appends)  # waiting for the lock, not drawing positions
        assert await positions_after(store, 0) == [late_position - 1]
        await tr.commit()
        results = await asyncio.gather(*appends)
        assert min(r.position for r in results) > late_position
    finally:
        await late.close()
    assert await positions_after(store, 0) == list(range(late_position - 1, late_position + 21))


async def test_tailing_reader_sees_every_committed_event(store: PostgresEventStore, fresh_dsn: str) -> None:
    """Concurrent writers (two stores = two processes, plus raw transactions that commit
    late) while a reader tails: what the tailer saw, in order, is everything committed."""
    other = await PostgresEventStore.connect(fresh_dsn, "commit-order-2", max_size=4)
    seen: list[int] = []
    done = asyncio.Event()

    async def tail() -> None:
        last_seen = 0
        while True:
            final = done.is_set()  # read once more after the writers finished
            for envelope in await store.read_all(last_seen, 500):
                seen.append(envelope.position)
                last_seen = envelope.position
            if final:
                return
            await asyncio.sleep(0)

    async def slow_raw_appends(dsn: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for _ in range(5):
                async with conn.transaction():
                    await raw_append(conn, lock=True)
                    await asyncio.sleep(0.02)  # commit late, with other appends waiting
        finally:
            await conn.close()

    async def writer(target: PostgresEventStore, name: str) -> None:
        for i in range(40):
            await target.append(f"{name}-{i}", "test", NO_STREAM, [event(), event()])

    tailer = asyncio.create_task(tail())
    try:
        await asyncio.gather(slow_raw_appends(fresh_dsn),
                             *(writer(store, f"a{w}") for w in range(4)),
                             *(writer(other, f"b{w}") for w in range(4)))
    finally:
        done.set()
        await tailer
        await other.close()
    committed = await positions_after(store, 0)
    assert len(committed) == 5 + 8 * 40 * 2
    assert seen == committed

