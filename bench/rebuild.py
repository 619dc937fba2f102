"""Rebuild events/s against reading + decoding the same events only, same run.

Fills ``events`` with BENCH_REBUILD_EVENTS (default 300k) deposits over 10k accounts, then
- baseline: page through the store exactly as a folding rebuild reads it (StorePages rows,
  BENCH_REBUILD_PAGE = 20k a page, next page in flight) and decode every event to the same
  level (RowDecoder: EventRow + the registry's model, validated from the JSON text), nothing
  written;
- rebuild() with a Fold: the same pages folded in memory, one COPY into the fresh
  ``ledger__rebuild`` schema, catch up, swap (baseline and fold rebuild run interleaved
  BENCH_REBUILD_REPEAT = 3 times; best and median printed: the host is shared and noisy);
- rebuild() with a set-based ``apply_batch`` (fold a page, one upsert + checkpoint per page);
- the per-event handler fallback on the first BENCH_REBUILD_PER_EVENT (default 20k) events.
Postgres is embedded under .lab27/bench-<pid> unless POSTGRES_DSN is set; no broker needed.
"""
from __future__ import annotations

import os
import statistics
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
from shared.projections.rebuild import EventRow, Fold, FoldedProjection, RowDecoder, rebuild
from shared.projections.store_pages import StorePages, row_pages

EVENTS = int(os.environ.get("BENCH_REBUILD_EVENTS", "300000"))
PER_EVENT = int(os.environ.get("BENCH_REBUILD_PER_EVENT", "20000"))
BATCH = int(os.environ.get("BENCH_REBUILD_BATCH", "1"))  # 0: skip the apply_batch run
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


def fold_deposits(accounts: dict[str, list], rows: Sequence[EventRow], events: Sequence[DomainEvent]) -> dict:
    for row, e in zip(rows, events):
        account = accounts.get(row.stream_id)
        if account is None:
            accounts[row.stream_id] = [row.stream_id, e.amount, 1]  # type: ignore[attr-defined]
        else:
            account[1] += e.amount  # type: ignore[attr-defined]
            account[2] += 1
    return accounts


async def copy_accounts(conn: asyncpg.Connection, accounts: dict[str, list]) -> None:
    await conn.copy_records_to_table("accounts", records=accounts.values(), columns=["account", "total", "deposits"])


LEDGER_FOLD = Fold(dict, fold_deposits, copy_accounts)


class FirstEvents:
    """A store view that stops after ``limit`` events (for the per-event fallback)."""

    def __init__(self, store: StorePages, limit: int) -> None:
        self.store, self.limit = store, limit

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]:
        page = await self.store.read_all(after_position, limit)
        return [e for e in page if e.position <= self.limit]


async def read_and_decode(pages: StorePages, registry: EventRegistry) -> float:
    """The rebuild's read + decode, nothing folded or written: events/s."""
    decoder = RowDecoder(registry, {"Deposited"})
    started = time.perf_counter()
    count = 0
    async for page in row_pages(pages, 0, PAGE):
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

            folded = FoldedProjection("ledger", {SOURCE: registry}, DDL, {"Deposited": on_deposited},
                                      fold=LEDGER_FOLD)
            baselines, rebuilds = [], []
            for _ in range(REPEAT):  # interleaved: a load spike from elsewhere hits both sides alike
                baselines.append(await read_and_decode(pages, registry))
                report = await rebuild(folded, pool, stores={SOURCE: pages}, fold_page_size=PAGE)
                await check_ledger(pool)
                rebuilds.append(report.events_per_second)
            baseline, best = max(baselines), max(rebuilds)
            print(f"baseline read + decode only (best of {REPEAT}):        {baseline:>9,.0f} events/s "
                  f"(median {statistics.median(baselines):,.0f})")
            print(f"rebuild, fold in memory + COPY + swap (best of {REPEAT}): {best:>9,.0f} events/s "
                  f"(median {statistics.median(rebuilds):,.0f}; {best / baseline:.2f}x baseline; goal 150,000)")

            if BATCH:
                batch = Projection("ledger", {SOURCE: registry}, DDL, {"Deposited": on_deposited}, apply_deposits)
                report = await rebuild(batch, pool, stores={SOURCE: pages}, batch_size=PAGE)
                await check_ledger(pool)
                print(f"rebuild, apply_batch (fold + 1 upsert per page):  {report.events_per_second:>9,.0f} events/s")

            per_event = Projection("ledger", {SOURCE: registry}, DDL, {"Deposited": on_deposited})
            report = await rebuild(per_event, pool, stores={SOURCE: FirstEvents(pages, PER_EVENT)}, batch_size=5000)
            print(f"rebuild, per-event handlers ({PER_EVENT} events):     {report.events_per_second:>9,.0f} events/s")
        finally:
            await pool.close()
