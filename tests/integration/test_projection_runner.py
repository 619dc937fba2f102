"""ProjectionRunner details: jsonb columns, an idle runner, the log-end watch after a broker restart."""
from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from shared.projections import EventMeta, ProjectionRunner, ReadModel, Row, Table
from shared.events.registry import EventRegistry
from shared.relay import Relay, events_topic
from shared.settings import KafkaClientProfile
from tests.integration.test_relay_projection import Deposited, deposit_many, ledger, new_service, open_store

pytestmark = pytest.mark.integration

JSON_DDL = "CREATE TABLE IF NOT EXISTS docs (position bigint PRIMARY KEY, body jsonb NOT NULL)"
docs = Table("docs", key="position")


@docs.on(Deposited, key=lambda e, meta: meta.position)
def deposited_json(row: Row | None, e: Deposited, meta: EventMeta) -> Row:
    return {"position": meta.position, "body": {"amount": e.amount, "seen": [meta.stream_id]}}


async def test_a_runner_given_a_dsn_writes_jsonb_columns_as_json(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    projection = ReadModel(name="docs", ddl=JSON_DDL, sources={events_topic(service): EventRegistry([Deposited])},
                           tables=(docs,))
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service), \
                ProjectionRunner(service, [projection], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            last = await deposit_many(store, 5, amount=3)
            await runner.waiter("docs").wait_for(events_topic(service), last, timeout=20)
            assert runner.dead_letters.count == 0
        conn = await asyncpg.connect(fresh_dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM docs.docs WHERE body->>'amount' = '3'") == 5
            # A list inside the document stays one JSON array (not a two-dimensional SQL array).
            assert await conn.fetchval("SELECT count(*) FROM docs.docs WHERE jsonb_typeof(body->'seen') = 'array'") == 5
        finally:
            await conn.close()
    finally:
        await store.close()


async def test_an_idle_runner_leaves_the_event_loop_asleep(fresh_dsn: str, kafka_bootstrap: str) -> None:
    """No batching timer: the agents sleep on their channels (the Kafka fetch loop runs in
    faust's consumer thread, not measured here). take_events(within=2 ms) cost ~6% of a core."""
    service = new_service()
    store = await open_store(fresh_dsn, service)
    try:
        async with ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            async with Relay(fresh_dsn, kafka_bootstrap, service):  # stopped before measuring
                await runner.waiter("ledger").wait_for(events_topic(service), await deposit_many(store, 3),
                                                       timeout=20)
            await asyncio.sleep(0.5)
            cpu = time.thread_time()
            await asyncio.sleep(2)
            share = (time.thread_time() - cpu) / 2
            print(f"idle runner: event-loop thread at {share * 100:.2f}% of a core")
            assert share < 0.03
    finally:
        await store.close()


async def test_a_quiet_consumer_fetches_with_the_idle_wait_until_the_next_record(fresh_dsn: str,
                                                                                 kafka_bootstrap: str) -> None:
    """Idle for idle_after_ms: the fetch wait goes up (fewer fetches while nothing happens); the
    first record brings it back down, and that record is applied."""
    service = new_service()
    store = await open_store(fresh_dsn, service)
    profile = KafkaClientProfile(fetch_max_wait_ms=5, idle_fetch_max_wait_ms=150, idle_after_ms=300)
    runner = ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn,
                              profile=profile, end_check_interval=0.1)

    def fetch_wait() -> int:
        return runner._app.consumer._thread._consumer._fetcher._fetch_max_wait_ms

    try:
        async with runner, Relay(fresh_dsn, kafka_bootstrap, service):
            topic = events_topic(service)
            await runner.waiter("ledger").wait_for(topic, await deposit_many(store, 2), timeout=20)
            deadline = time.monotonic() + 5
            while not runner.idle and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert runner.idle and fetch_wait() == 150
            await runner.waiter("ledger").wait_for(topic, await deposit_many(store, 1), timeout=20)
            assert not runner.idle and fetch_wait() == 5
    finally:
        await store.close()
