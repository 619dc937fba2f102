"""Store -> relay -> Kafka -> faust runner -> read model, against the real embedded stack.

The test read model is deliberately NOT idempotent on its own (it adds amounts, and counts
how many times each position was applied), so any event applied twice or lost shows in the
sums and counts.
"""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Any

import asyncpg
import pytest
from aiokafka import TopicPartition

from shared.domain.errors import Unavailable
from shared.events.base import DomainEvent
from shared.events.codec import decode_value
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.kafka import consumer
from shared.projections import EventMeta, ProjectionRunner, ReadModel, Row, Table
from shared.projections.rebuild import rebuild
from shared.relay import Relay, events_topic

pytestmark = pytest.mark.integration


class Deposited(DomainEvent):
    event_type = "Deposited"
    amount: int


class Exploded(DomainEvent):
    event_type = "Exploded"
    reason: str


class Noted(DomainEvent):  # known to the registry, no handler: skipped, checkpoint advances
    event_type = "Noted"
    text: str


DDL = """
CREATE TABLE IF NOT EXISTS accounts (account text PRIMARY KEY, total bigint NOT NULL, deposits int NOT NULL);
CREATE TABLE IF NOT EXISTS applications (position bigint PRIMARY KEY, times int NOT NULL);
"""

accounts = Table("accounts", key="account")
applications = Table("applications", key="position")


@accounts.on(Deposited, key=lambda e, meta: meta.stream_id)
def deposited(row: Row | None, e: Deposited, meta: EventMeta) -> Row:
    total, deposits = (row["total"], row["deposits"]) if row else (0, 0)
    return {"account": meta.stream_id, "total": total + e.amount, "deposits": deposits + 1}


@applications.on(Deposited, Exploded, key=lambda e, meta: meta.position)
def applied(row: Row | None, e: Deposited | Exploded, meta: EventMeta) -> Row:
    if isinstance(e, Exploded):  # a bug in an apply function: the event goes to the DLQ, unapplied
        raise RuntimeError(f"apply bug: {e.reason}")
    return {"position": meta.position, "times": (row["times"] if row else 0) + 1}


def ledger(service: str) -> ReadModel:
    return ReadModel(name="ledger", ddl=DDL, sources={events_topic(service): EventRegistry([Deposited, Exploded, Noted])},
                     tables=(accounts, applications))


def new_service() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


async def open_store(dsn: str, service: str, **options: Any) -> PostgresEventStore:
    """A migrated, started store on its own pool (``options`` go to PostgresEventStore.connect,
    e.g. max_size), which store.close() closes."""
    store = await PostgresEventStore.connect(dsn, service, **options)
    await store.migrate()
    await store.start()
    return store


def event(kind: type[DomainEvent], **data: object) -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), type=kind.event_type, data=data, occurred_at=datetime.now(timezone.utc))


async def deposit_many(store: PostgresEventStore, count: int, accounts: int = 10, amount: int = 1) -> int:
    """``count`` deposits spread over ``accounts`` streams; returns the last position."""
    results = await asyncio.gather(*(
        store.append(f"acct-{i % accounts}", "account", None, [event(Deposited, amount=amount)])
        for i in range(count)))
    return max(r.position for r in results)


async def read_model(dsn: str, schema: str = "ledger") -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            f"""SELECT (SELECT coalesce(sum(total), 0) FROM {schema}.accounts) AS total,
                       (SELECT coalesce(sum(deposits), 0) FROM {schema}.accounts) AS deposits,
                       (SELECT coalesce(sum(times), 0) FROM {schema}.applications) AS applications,
                       (SELECT count(*) FROM {schema}.applications) AS distinct_positions""")
        return dict(row)
    finally:
        await conn.close()


async def topic_positions(bootstrap: str, topic: str) -> list[int]:
    """Every envelope position in the topic, in offset order (reads until a fetch is empty)."""
    tp = TopicPartition(topic, 0)
    reader = consumer(bootstrap, group_id=None)
    await reader.start()
    try:
        reader.assign([tp])
        reader.seek(tp, 0)
        positions: list[int] = []
        wait = 5000
        while records := (await reader.getmany(tp, timeout_ms=wait)).get(tp, []):
            positions += [decode_value(r.value).position for r in records]
            wait = 300
        return positions
    finally:
        await reader.stop()


async def test_end_to_end_then_rebuild_gives_the_same_read_model(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    projection = ledger(service)
    runner = ProjectionRunner(service, [projection], bootstrap=kafka_bootstrap, dsn=fresh_dsn)
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service), runner:
            last = await deposit_many(store, 300, amount=2)
            await store.append("acct-x", "account", None, [event(Noted, text="ignored by the ledger")])
            await runner.waiter("ledger").wait_for(events_topic(service), last, timeout=20)
            live = await read_model(fresh_dsn)
            assert live == {"total": 600, "deposits": 300, "applications": 300, "distinct_positions": 300}

            report = await rebuild(ledger(service), runner.pool, stores={events_topic(service): store},
                                   runner=runner, batch_size=64)
            assert report.applied == 300 and report.events == 301
            assert await read_model(fresh_dsn) == live

            # The swapped-in schema is the live one now: new events land in it, once.
            last = await deposit_many(store, 50, amount=2)
            await runner.waiter("ledger").wait_for(events_topic(service), last, timeout=20)
            assert await read_model(fresh_dsn) == {"total": 700, "deposits": 350, "applications": 350,
                                                    "distinct_positions": 350}
    finally:
        await store.close()


async def test_relay_restart_resumes_from_its_checkpoint_without_gaps(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    try:
        first = await deposit_many(store, 120)
        async with Relay(fresh_dsn, kafka_bootstrap, service, batch_size=50) as relay:
            await relay.wait_published(first)
        second = await deposit_many(store, 80)  # appended while no relay runs
        async with Relay(fresh_dsn, kafka_bootstrap, service, batch_size=50) as relay:
            await relay.wait_published(second)
            assert relay.rewinds == 0
        positions = await topic_positions(kafka_bootstrap, events_topic(service))
        expected = [p for p in await all_positions(fresh_dsn)]
        assert positions == expected  # each once, in order: resumed exactly at its checkpoint
    finally:
        await store.close()


async def all_positions(dsn: str) -> list[int]:
    conn = await asyncpg.connect(dsn)
    try:
        return [r[0] for r in await conn.fetch("SELECT position FROM events ORDER BY position")]
    finally:
        await conn.close()


async def test_wait_for_a_position_never_reached_is_unavailable(fresh_dsn: str, kafka_bootstrap: str) -> None:
    from shared.projections.schema import install
    from shared.projections.waiter import PositionWaiter

    pool = await asyncpg.create_pool(fresh_dsn, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            await install(conn, "ledger", DDL)
            await conn.execute("INSERT INTO ledger.checkpoint VALUES ('src', 5)")
        waiter = PositionWaiter(pool, "ledger")
        await waiter.wait_for("src", 5, timeout=1)  # from the database
        with pytest.raises(Unavailable):
            await waiter.wait_for("src", 6, timeout=0.2)
        later = asyncio.get_running_loop().call_later(0.05, waiter.advance, "src", 6)
        await waiter.wait_for("src", 6, timeout=1)  # woken in-process
        later.cancel()
    finally:
        await pool.close()


async def test_only_one_relay_publishes_a_topic_at_a_time(kafka_bootstrap: str, fresh_dsn: str) -> None:
    """A second relay of the same topic stands by until the first one stops."""
    import asyncio
    import uuid as _uuid

    from shared.relay.relay import Relay

    from shared.db import create_pool
    from shared.eventstore.schema import setup_schema

    pool = await create_pool(fresh_dsn)
    await setup_schema(pool)
    await pool.close()
    service = f"leadertest{_uuid.uuid4().hex[:6]}"  # a topic of its own on the session's broker
    first = Relay(fresh_dsn, kafka_bootstrap, service)
    second = Relay(fresh_dsn, kafka_bootstrap, service)
    try:
        await first.start()
        await asyncio.sleep(0.5)
        await second.start()
        await asyncio.sleep(1.5)
        assert first.leading and not second.leading  # still waiting for the lock
        await first.stop()
        for _ in range(50):
            if second.leading:
                break
            await asyncio.sleep(0.1)
        assert second.leading  # took over once the first let go
    finally:
        await second.stop()
