"""Read-your-writes across processes: a PositionWaiter with no runner beside it (LISTEN mode)."""
from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from shared.db import create_pool
from shared.projections import PositionWaiter, ProjectionRunner
from shared.relay import Relay, events_topic
from tests.integration.test_relay_projection import deposit_many, ledger, new_service, open_store

pytestmark = pytest.mark.integration

SLOW_POLL = 5.0  # the fallback poll: anything much faster than this came from a notification


async def timed_wait(waiter: PositionWaiter, topic: str, position: int) -> float:
    start = time.perf_counter()
    await waiter.wait_for(topic, position, timeout=20)
    return time.perf_counter() - start


async def test_a_separate_waiter_sees_a_commit_at_once(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    topic = events_topic(service)
    store = await open_store(fresh_dsn, service)
    pool = await create_pool(fresh_dsn, max_size=2)
    # Built before the runner installs the schema, as an API process may start first.
    waiter = PositionWaiter(pool, "ledger", dsn=fresh_dsn, fallback_poll_interval=SLOW_POLL)
    try:
        await waiter.start()
        assert waiter.listening
        async with Relay(fresh_dsn, kafka_bootstrap, service), \
                ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            first = await deposit_many(store, 3)
            await waiter.wait_for(topic, first, timeout=20)
            behind: list[float] = []
            took: list[float] = []
            for _ in range(20):
                position = await deposit_many(store, 1)
                in_process, separate = await asyncio.gather(timed_wait(runner.waiter("ledger"), topic, position),
                                                            timed_wait(waiter, topic, position))
                assert separate < 1.0, separate  # well before the 5 s fallback poll
                behind.append(separate - in_process)
                took.append(separate)
            assert waiter.notifications >= 20
            behind.sort()
            took.sort()
            print(f"append -> separate waiter: p50 {took[10] * 1000:.1f} ms, max {took[-1] * 1000:.1f} ms; "
                  f"behind the runner's own waiter: p50 {behind[10] * 1000:.2f} ms, max {behind[-1] * 1000:.2f} ms")
            assert behind[10] < 0.05
    finally:
        await waiter.stop()
        await pool.close()
        await store.close()


async def test_a_separate_waiter_listens_again_after_losing_its_connection(fresh_dsn: str,
                                                                           kafka_bootstrap: str) -> None:
    service = new_service()
    topic = events_topic(service)
    store = await open_store(fresh_dsn, service)
    pool = await create_pool(fresh_dsn, max_size=2)
    waiter = PositionWaiter(pool, "ledger", dsn=fresh_dsn, fallback_poll_interval=SLOW_POLL,
                            reconnect_interval=0.1)
    admin = await asyncpg.connect(fresh_dsn)
    try:
        async with waiter, Relay(fresh_dsn, kafka_bootstrap, service), \
                ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn):
            await waiter.wait_for(topic, await deposit_many(store, 2), timeout=20)
            assert waiter._listener is not None
            listener_pid = waiter._listener.get_server_pid()
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", listener_pid)
            await asyncio.sleep(0.05)
            assert not waiter.listening or waiter._listener.get_server_pid() != listener_pid
            # While it is down a write still comes through (fast polling, then the re-read).
            await waiter.wait_for(topic, await deposit_many(store, 1), timeout=5)
            deadline = time.monotonic() + 5
            while not waiter.listening and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert waiter.listening and waiter._listener is not None
            assert waiter._listener.get_server_pid() != listener_pid
            assert await timed_wait(waiter, topic, await deposit_many(store, 1)) < 1.0
    finally:
        await admin.close()
        await pool.close()
        await store.close()
