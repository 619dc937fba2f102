"""Rebuild events/s against reading + decoding the same events only, same run.

Fills ``events`` with BENCH_REBUILD_EVENTS (default 300k) deposits over 10k accounts, then
- baseline: page through the store exactly as a folding rebuild reads it (StorePages rows,
  BENCH_REBUILD_PAGE = 20k a page, next page in flight) and decode every event to the same
  level (RowDecoder: EventRow + the registry's model, validated from the JSON text), nothing
  written;
- rebuild() of the declared read model: the same pages folded in memory by its apply
  function, one COPY into the fresh ``ledger__rebuild`` schema, catch up, swap (baseline and
  rebuild run interleaved BENCH_REBUILD_REPEAT = 3 times; best and median printed: the host
  is shared and noisy);
- the live path on the first BENCH_REBUILD_LIVE (default 50k) events, pages of 5,000: load
  the rows a page touches, apply in memory, write back in one statement, per transaction
  (what the live runner and a rebuild's catch-up do).
Postgres is embedded under .lab27/bench-<pid> unless POSTGRES_DSN is set; no broker needed.
"""
from __future__ import annotations

import os
import statistics
import time

import asyncpg

from bench._postgres import bench_database
from shared.db import create_pool
from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import EventMeta, ReadModel, Row, Table, schema
from shared.projections.applier import apply_events
from shared.projections.rebuild import RowDecoder, heap_frozen_page_by_page, rebuild
from shared.projections.store_pages import StorePages, row_pages
from shared.projections.tables import shapes_of

EVENTS = int(os.environ.get("BENCH_REBUILD_EVENTS", "300000"))
LIVE = int(os.environ.get("BENCH_REBUILD_LIVE", "50000"))
REPEAT = int(os.environ.get("BENCH_REBUILD_REPEAT", "3"))
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


accounts = Table("accounts", key="account")


@accounts.on(Deposited, key=lambda e, meta: meta.stream_id)
def deposited(row: Row | None, e: Deposited, meta: EventMeta) -> Row:
    if row is None:
        return {"account": meta.stream_id, "total": e.amount, "deposits": 1}
    return {"account": meta.stream_id, "total": row["total"] + e.amount, "deposits": row["deposits"] + 1}


async def read_and_decode(pages: StorePages, registry: EventRegistry) -> float:
    """The rebuild's read + decode, nothing folded or written: events/s."""
    decoder = RowDecoder(registry, {"Deposited"})
    started = time.perf_counter()
    count = 0
    with heap_frozen_page_by_page() as freeze:  # as the fold does
        async for page in row_pages(pages, 0, PAGE):
            freeze()
            decoder.decode(page)
            count += len(page)
    assert count == EVENTS, (count, EVENTS)
    return count / (time.perf_counter() - started)


async def check_ledger(pool: asyncpg.Pool) -> None:
    total, deposits = await pool.fetchrow("SELECT sum(total), sum(deposits) FROM ledger.accounts")
    expected = sum(g % 100 for g in range(EVENTS))
    assert (total, deposits) == (expected, EVENTS), (total, deposits)
    assert await pool.fetchval("SELECT position FROM ledger.checkpoint WHERE source = $1", SOURCE) == EVENTS


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
            pages = StorePages(pool, "bench")

            ledger = ReadModel("ledger", DDL, {SOURCE: registry}, (accounts,))
            baselines, rebuilds = [], []
            for _ in range(REPEAT):  # interleaved: a load spike from elsewhere hits both sides alike
                baselines.append(await read_and_decode(pages, registry))
                report = await rebuild(ledger, pool, stores={SOURCE: pages}, fold_page_size=PAGE)
                await check_ledger(pool)
                rebuilds.append(report.events_per_second)
            baseline, best = max(baselines), max(rebuilds)
            print(f"baseline read + decode only (best of {REPEAT}):        {baseline:>9,.0f} events/s "
                  f"(median {statistics.median(baselines):,.0f})")
            print(f"rebuild, fold in memory + COPY + swap (best of {REPEAT}): {best:>9,.0f} events/s "
                  f"(median {statistics.median(rebuilds):,.0f}; {best / baseline:.2f}x baseline; goal 150,000)")
            print(f"live path, load + apply + write per page of 5,000:   {await live_path(pool, pages, ledger):>9,.0f} "
                  f"events/s ({LIVE:,} events)")
        finally:
            await pool.close()


async def live_path(pool: asyncpg.Pool, pages: StorePages, ledger: ReadModel) -> float:
    """The first LIVE events through apply_events, one transaction a page, into a fresh schema."""
    target = "ledger_live"
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {target} CASCADE")
        await schema.install(conn, target, DDL)
        shapes = await shapes_of(conn, target, ledger.tables)
    decoder = RowDecoder(ledger.sources[SOURCE], ledger.handled)
    started = time.perf_counter()
    count = 0
    async for page in row_pages(pages, 0, 5000, until=LIVE):
        items, _poison = decoder.decode(page)
        async with pool.acquire() as conn:
            async with conn.transaction():
                await apply_events(conn, ledger, target, shapes, items)
        count += len(page)
    rate = count / (time.perf_counter() - started)
    total = await pool.fetchval(f"SELECT sum(deposits) FROM {target}.accounts")
    assert total == count == min(LIVE, EVENTS), (total, count)
    return rate
