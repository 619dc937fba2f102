"""ProjectionRunner details: its own pool, the log-end watch after a broker restart."""
from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from shared.events.envelope import Envelope
from shared.projections import Projection, ProjectionRunner
from shared.events.registry import EventRegistry
from shared.relay import Relay, events_topic
from tests.integration.test_relay_projection import Deposited, deposit_many, ledger, new_service, open_store

pytestmark = pytest.mark.integration

JSON_DDL = "CREATE TABLE IF NOT EXISTS docs (position bigint PRIMARY KEY, body jsonb NOT NULL)"


async def on_deposited_json(conn: asyncpg.Connection, env: Envelope, e: Deposited) -> None:
    # A dict for a jsonb parameter needs shared.db's codecs; a bare asyncpg pool rejects it.
    await conn.execute("INSERT INTO docs VALUES ($1, $2)", env.position, {"amount": e.amount})
    assert await conn.fetchval("SELECT body FROM docs WHERE position = $1", env.position) == {"amount": e.amount}


async def test_a_runner_given_a_dsn_gives_handlers_the_json_codecs(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    projection = Projection(name="docs", sources={events_topic(service): EventRegistry([Deposited])},
                            ddl=JSON_DDL, handlers={"Deposited": on_deposited_json})
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service), \
                ProjectionRunner(service, [projection], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            last = await deposit_many(store, 5, amount=3)
            await runner.waiter("docs").wait_for(events_topic(service), last, timeout=20)
            assert runner.dead_letters.count == 0
        conn = await asyncpg.connect(fresh_dsn)
        try:
            assert await conn.fetchval("SELECT count(*) FROM docs.docs WHERE body->>'amount' = '3'") == 5
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
