"""The live applier's failure paths, driven directly (records built as the relay builds them).

- A row the database refuses (a CHECK constraint) rolls the batch back; the batch is replayed
  one record per transaction, so only the guilty record goes to the DLQ.
- An apply function that raises for one table leaves every table as it was for that event.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from shared.db import create_pool
from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import EventMeta, ReadModel, Row, Table, schema
from shared.projections.applier import Applier
from shared.projections.dead_letters import DeadLetters
from tests.integration.test_read_model_contract import records_of

pytestmark = pytest.mark.integration

TOPIC = "lab27.applier.events"


class Moved(DomainEvent):
    event_type = "Moved"
    amount: int


DDL = """
CREATE TABLE IF NOT EXISTS balances (account text PRIMARY KEY, total bigint NOT NULL CHECK (total >= 0));
CREATE TABLE IF NOT EXISTS moves (position bigint PRIMARY KEY, amount bigint NOT NULL);
"""
balances = Table("balances", key="account")
moves = Table("moves", key="position")


@moves.on(Moved, key=lambda e, meta: meta.position)
def moved(row: Row | None, e: Moved, meta: EventMeta) -> Row:
    return {"position": meta.position, "amount": e.amount}


@balances.on(Moved, key=lambda e, meta: meta.stream_id)
def balance(row: Row | None, e: Moved, meta: EventMeta) -> Row:
    if e.amount == 13:
        raise RuntimeError("unlucky amount")  # a bug in an apply function, after moves applied it
    return {"account": meta.stream_id, "total": (row["total"] if row else 0) + e.amount}


LEDGER = ReadModel("applier_ledger", DDL, {TOPIC: EventRegistry([Moved])}, (moves, balances))


async def stored_records(dsn: str, amounts: list[int]):
    store = await PostgresEventStore.connect(dsn, "applier", max_size=2)
    await store.migrate()
    try:
        for amount in amounts:
            await store.append("acct", "account", None, [NewEvent(
                event_id=uuid.uuid4(), type="Moved", data={"amount": amount}, occurred_at=datetime.now(UTC))])
        return await records_of(store, TOPIC)
    finally:
        await store.close()


async def installed(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await schema.install(conn, LEDGER.name, DDL)


async def test_a_row_the_database_refuses_dead_letters_only_its_record(fresh_dsn: str, kafka_bootstrap: str) -> None:
    records = await stored_records(fresh_dsn, [5, 5, -100, 5, 5, 5])  # -100 makes the total negative
    pool = await create_pool(fresh_dsn, max_size=2)
    dead = DeadLetters(kafka_bootstrap, f"applier{uuid.uuid4().hex[:8]}")
    await dead.start()
    try:
        await installed(pool)
        applier = Applier(LEDGER, pool, dead)
        assert not await applier.apply(records)
        assert await pool.fetchval("SELECT total FROM applier_ledger.balances") == 25
        assert await pool.fetchval("SELECT count(*) FROM applier_ledger.moves") == 5
        assert dead.count == 1
        assert await pool.fetchval("SELECT position FROM applier_ledger.checkpoint") == 6
        assert applier.applied == 5
    finally:
        await dead.stop()
        await pool.close()


async def test_an_apply_that_raises_leaves_every_table_as_it_was(fresh_dsn: str, kafka_bootstrap: str) -> None:
    records = await stored_records(fresh_dsn, [1, 13, 2])
    pool = await create_pool(fresh_dsn, max_size=2)
    dead = DeadLetters(kafka_bootstrap, f"applier{uuid.uuid4().hex[:8]}")
    await dead.start()
    try:
        await installed(pool)
        assert not await Applier(LEDGER, pool, dead).apply(records)
        assert await pool.fetchval("SELECT total FROM applier_ledger.balances") == 3
        # moves applied 13's row before balances raised: it must not be there.
        assert [r[0] for r in await pool.fetch("SELECT amount FROM applier_ledger.moves ORDER BY position")] == [1, 2]
        assert dead.count == 1
    finally:
        await dead.stop()
        await pool.close()


class Split(DomainEvent):
    event_type = "Split"
    parts: int


parts = Table("parts", key=("position", "part"))


@parts.on(Split, key=lambda e, meta: [(meta.position, i) for i in range(e.parts)])
def split(row: Row | None, e: Split, meta: EventMeta) -> Row:
    position, part = meta.key  # each row is told its own key
    return {"position": position, "part": part, "of": e.parts}


SPLITS = ReadModel("applier_splits", "CREATE TABLE IF NOT EXISTS parts (position bigint, part int, of int NOT NULL, "
                   "PRIMARY KEY (position, part))", {TOPIC: EventRegistry([Split])}, (parts,))


async def test_one_event_creates_several_rows_each_told_its_key(fresh_dsn: str, kafka_bootstrap: str) -> None:
    store = await PostgresEventStore.connect(fresh_dsn, "applier", max_size=2)
    await store.migrate()
    for n in (3, 2):
        await store.append(f"s{n}", "split", None, [NewEvent(event_id=uuid.uuid4(), type="Split", data={"parts": n},
                                                            occurred_at=datetime.now(UTC))])
    records = await records_of(store, TOPIC)
    await store.close()
    pool = await create_pool(fresh_dsn, max_size=2)
    dead = DeadLetters(kafka_bootstrap, f"applier{uuid.uuid4().hex[:8]}")
    await dead.start()
    try:
        async with pool.acquire() as conn:
            await schema.install(conn, SPLITS.name, SPLITS.ddl_text())
        assert not await Applier(SPLITS, pool, dead).apply(records)
        rows = [tuple(r) for r in await pool.fetch("SELECT * FROM applier_splits.parts ORDER BY 1, 2")]
        assert rows == [(1, 0, 3), (1, 1, 3), (1, 2, 3), (2, 0, 2), (2, 1, 2)]
        assert dead.count == 0
    finally:
        await dead.stop()
        await pool.close()
