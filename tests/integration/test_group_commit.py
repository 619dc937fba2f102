"""Postgres-only behaviour of the group-commit writer (the contract suite covers semantics)."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from shared.eventstore.base import NO_STREAM
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.schema import NOTIFY_CHANNEL
from shared.events.envelope import NewEvent

pytestmark = pytest.mark.integration


def event(event_id: uuid.UUID | None = None) -> NewEvent:
    return NewEvent(event_id=event_id or uuid.uuid4(), type="Happened", data={"x": 1},
                    occurred_at=datetime.now(UTC))


@pytest.fixture
async def store(fresh_dsn: str):
    store = await PostgresEventStore.connect(fresh_dsn, "group-commit", max_size=4)
    await store.migrate()
    await store.migrate()  # idempotent
    yield store
    await store.close()


async def test_concurrent_appends_share_transactions(store: PostgresEventStore) -> None:
    await store.start()
    await asyncio.gather(*(store.append(f"s-{i}", "t", NO_STREAM, [event()]) for i in range(100)))
    assert store.appends_written == 100 and store.batches_written < 10


async def test_a_bad_append_fails_alone(store: PostgresEventStore) -> None:
    reused = uuid.uuid4()
    await store.append("first", "t", NO_STREAM, [event(reused)])
    outcomes = await asyncio.gather(
        store.append("a", "t", NO_STREAM, [event()]),
        store.append("b", "t", NO_STREAM, [event(reused)]),  # violates UNIQUE(event_id)
        store.append("c", "t", NO_STREAM, [event()]),
        return_exceptions=True)
    assert isinstance(outcomes[1], asyncpg.UniqueViolationError)
    assert [o.version for o in (outcomes[0], outcomes[2])] == [1, 1]
    assert await store.read_stream("b") == []


async def test_a_failed_transaction_fails_every_caller_and_retries_work(store: PostgresEventStore) -> None:
    await store.append("warm", "t", NO_STREAM, [event()])
    await store.pool.execute("ALTER TABLE events ADD CONSTRAINT no_writes CHECK (false) NOT VALID")
    outcomes = await asyncio.gather(
        *(store.append(f"r-{i}", "t", NO_STREAM, [event()], request_id=f"req-{i}") for i in range(5)),
        return_exceptions=True)
    assert all(isinstance(o, asyncpg.CheckViolationError) for o in outcomes)
    await store.pool.execute("ALTER TABLE events DROP CONSTRAINT no_writes")
    retried = await asyncio.gather(
        *(store.append(f"r-{i}", "t", NO_STREAM, [event()], request_id=f"req-{i}") for i in range(5)))
    assert not any(r.duplicate for r in retried)


async def test_commit_notifies_the_last_position(store: PostgresEventStore, fresh_dsn: str) -> None:
    listener = await asyncpg.connect(fresh_dsn)
    heard: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(NOTIFY_CHANNEL, lambda *args: heard.put_nowait(args[3]))
    try:
        result = await store.append("n", "t", NO_STREAM, [event(), event()])
        assert await asyncio.wait_for(heard.get(), 5) == str(result.position)
    finally:
        await listener.close()


async def test_close_writes_what_is_queued(fresh_dsn: str) -> None:
    store = await PostgresEventStore.connect(fresh_dsn, "group-commit")
    await store.migrate()
    pending = [asyncio.create_task(store.append(f"q-{i}", "t", NO_STREAM, [event()])) for i in range(10)]
    await asyncio.sleep(0)
    await store.close()
    assert all(not isinstance(r, BaseException) for r in await asyncio.gather(*pending, return_exceptions=True))
    with pytest.raises(RuntimeError):
        await store.append("late", "t", NO_STREAM, [event()])
