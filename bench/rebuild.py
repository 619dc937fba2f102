"""Rebuild events/s against reading + decoding the same events only, same run.

Fills ``events`` with BENCH_REBUILD_EVENTS (default 300k) deposits over 10k accounts, then
- baseline: page through the store (StorePages.read_all, BENCH_REBUILD_PAGE = 20k a page) and decode
  every event with the registry, nothing written;
- rebuild(): the same pages applied to a fresh ``ledger__rebuild`` schema with a set-based
  ``apply_batch`` (fold the page in memory, one upsert per page), catch up, swap;
- the per-event handler fallback on the first BENCH_REBUILD_PER_EVENT (default 20k) events.
Postgres is embedded under .lab27/bench-<pid> unless POSTGRES_DSN is set; no broker needed.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Sequence

import asyncpg

from bench._postgres import bench_database
from shared.db import create_pool
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import Projection
from shared.projections.rebuild import rebuild
from shared.projections.store_pages import StorePages

EVENTS = int(os.environ.get("BENCH_REBUILD_EVENTS", "300000"))
PER_EVENT = int(os.environ.get("BENCH_REBUILD_PER_EVENT", "20000"))
SOURCE = "lab27.bench.events"
PAGE = int(os.environ.get("BENCH_REBUILD_PAGE", "20000"))

FILL = """
INSERT INTO events (position, event_id, stream_id, stream_type, version, type, data, occurred_at)
SELECT nextval('events_position_seq'), gen_random_uuid(), 'acct-' || (g % 10000), 'account', g / 10000 + 1,
       'Deposited', jsonb_build_object('amount', g % 100, 'memo', repeat('m', 160)), now()
FROM generate_series(0, $1 - 1) AS g
"""

DDL = "CREATE TABLE IF NOT EXISTS accounts (account text PRIMARY KEY, total bigint NOT NULL, deposits int NOT NULL)"


class Deposited(DomainEvent):
    event_type = "Deposited"
    amount: int
    memo: str = ""


async def on_deposited(conn: asyncpg.Connection, env: Envelope, e: Deposited) -> None:
    await conn.execute(
        """INSERT INTO accounts VALUES ($1, $2, 1) ON CONFLICT (account)
           DO UPDATE SET total = accounts.total + EXCLUDED.total, deposits = accounts.deposits + 1""",
        env.stream_id, e.amount)


async def apply_deposits(conn: asyncpg.Connection, envs: Sequence[Envelope], events: Sequence[DomainEvent]) -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for env, e in zip(envs, events):
        row = totals[env.stream_id]
        row[0] += e.amount  # type: ignore[attr-defined]
        row[1] += 1
    await conn.execute(
        """INSERT INTO accounts SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
           ON CONFLICT (account) DO UPDATE SET total = accounts.total + EXCLUDED.total,
                                               deposits = accounts.deposits + EXCLUDED.deposits""",
        list(totals), [t[0] for t in totals.values()], [t[1] for t in totals.values()])


class FirstEvents:
    """A store view that stops after ``limit`` events (for the per-event fallback)."""

    def __init__(self, store: StorePages, limit: int) -> None:
        self.store, self.limit = store, limit

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]:
        page = await self.store.read_all(after_position, limit)
        return [e for e in page if e.position <= self.limit]


async def main() -> None:
    registry = EventRegistry([Deposited])
    async with bench_database() as dsn:
        pool = await create_pool(dsn, max_size=4)
        store = PostgresEventStore(pool, "bench")
        try:
            await store.migrate()
            await pool.execute(FILL, EVENTS)
            await pool.execute("VACUUM (FREEZE, ANALYZE) events")  # hint bits set: an old store, not a fresh load
            print(f"{EVENTS} events in the store")

            pages = StorePages(pool, "bench")  # what rebuild() reads: same rows, faster JSON parse
            started = time.perf_counter()
            count, after = 0, 0
            while page := await pages.read_all(after, PAGE):
                for env in page:
                    registry.decode(env.type, env.schema_version, env.data)
                count += len(page)
                after = page[-1].position
            baseline = count / (time.perf_counter() - started)
            print(f"baseline read + decode only:                  {baseline:>9,.0f} events/s")

            batch = Projection("ledger", {SOURCE: registry}, DDL, {"Deposited": on_deposited}, apply_deposits)
            report = await rebuild(batch, pool, stores={SOURCE: pages}, batch_size=PAGE)
            total = await pool.fetchval("SELECT sum(deposits) FROM ledger.accounts")
            assert total == EVENTS, (total, EVENTS)
            print(f"rebuild with apply_batch (fold + 1 upsert/page): {report.events_per_second:>9,.0f} events/s "
                  f"({report.events_per_second / baseline:.2f}x baseline; goal 150,000) in {report.seconds:.1f}s")

            per_event = Projection("ledger", {SOURCE: registry}, DDL, {"Deposited": on_deposited})
            report = await rebuild(per_event, pool, stores={SOURCE: FirstEvents(pages, PER_EVENT)}, batch_size=5000)
            print(f"rebuild with per-event handlers ({PER_EVENT} events):  {report.events_per_second:>9,.0f} events/s")
        finally:
            await pool.close()
