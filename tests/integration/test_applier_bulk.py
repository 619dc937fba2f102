"""Bulk handlers in the live applier: a run of same-type events in one statement.

Driven through Applier directly (no broker): the records are built from stored envelopes
the way the relay would (key, envelope JSON, headers). A batch applied with the bulk
handlers must give the rows of one record per transaction through the per-event handlers;
a bulk run that fails is replayed per event, so only the guilty record is dead-lettered.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest

from services.membership.bootstrap import MembershipSettings, member_directory
from shared.db import create_pool
from shared.events.base import DomainEvent
from shared.events.codec import to_kafka
from shared.events.envelope import Envelope
from shared.events.registry import EventRegistry
from shared.projections import Projection, schema
from shared.projections.applier import Applier
from shared.projections.messages import Incoming
from tests.integration.test_rebuild import append_v1_admission, populate
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration


class RecordingDeadLetters:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int, str]] = []

    async def send(self, projection: str, message: Incoming, error: BaseException) -> None:
        self.sent.append((projection, message.offset, str(error)))


def records(topic: str, envelopes: Sequence[Envelope]) -> list[Incoming]:
    out, previous = [], 0
    for offset, envelope in enumerate(envelopes):
        key, value, headers = to_kafka(envelope)
        out.append(Incoming(topic, offset, key, value, [*headers, ("prev_position", str(previous).encode())]))
        previous = envelope.position
    return out


async def install(pool: asyncpg.Pool, projection: Projection) -> None:
    async with pool.acquire() as conn:
        await schema.install(conn, projection.name, projection.ddl)


async def rows(pool: asyncpg.Pool, name: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await pool.fetch(f"SELECT * FROM {name}.members ORDER BY member_id")]


async def test_bulk_admissions_give_the_rows_of_the_per_event_handlers(fresh_dsn: str) -> None:
    service = f"m{uuid.uuid4().hex[:10]}"
    settings = MembershipSettings(service_name=service)
    bulk = member_directory(settings)
    assert bulk.bulk_handlers
    per_event = Projection("member_directory_ref", bulk.sources, bulk.ddl, bulk.handlers)
    store = await open_store(fresh_dsn, service, max_size=4)
    pool = store.pool
    try:
        await populate(store, members=30)  # 30 admissions in a row, then updates
        await append_v1_admission(store)
        envelopes = await store.read_all(0, 10_000)
        # Admissions of members already admitted, at later positions (as a replayed or
        # duplicated admission would look), one of them twice in the same run: ON CONFLICT DO
        # NOTHING keeps the first row, in a run as event by event.
        last = envelopes[-1].position
        for offset, original in enumerate((envelopes[3], envelopes[-1])):
            envelopes.append(Envelope(**{
                **original.model_dump(), "position": last + 1 + offset, "event_id": uuid.uuid4(),
                "data": {**original.data, "name": f"Autre nom {offset}"}}))
        incoming = records(settings.events_topic, envelopes)
        for projection in (bulk, per_event):
            await install(pool, projection)
        dead = RecordingDeadLetters()
        applier = Applier(bulk, pool, dead)  # type: ignore[arg-type]
        await applier.apply(incoming)
        reference = Applier(per_event, pool, dead)  # type: ignore[arg-type]
        for record in incoming:
            await reference.apply([record])
        assert dead.sent == []
        assert applier.applied == reference.applied == len(envelopes)
        expected = await rows(pool, per_event.name)
        assert len(expected) == 31 and not any(r["name"].startswith("Autre") for r in expected)
        assert await rows(pool, bulk.name) == expected
        await applier.apply(incoming)  # redelivered: skipped below the checkpoint
        assert await rows(pool, bulk.name) == expected
    finally:
        await store.close()


class Deposited(DomainEvent):
    event_type = "Deposited"
    amount: int


DDL = "CREATE TABLE IF NOT EXISTS deposits (position bigint PRIMARY KEY, amount int NOT NULL);"


async def on_deposited(conn: asyncpg.Connection, env: Envelope, e: Deposited) -> None:
    if e.amount < 0:
        raise ValueError(f"negative deposit at {env.position}")
    await conn.execute("INSERT INTO deposits VALUES ($1, $2)", env.position, e.amount)


async def on_deposited_many(conn: asyncpg.Connection, items: Sequence[tuple[Envelope, Deposited]]) -> None:
    bulk_runs.append(len(items))
    await conn.execute("INSERT INTO deposits SELECT * FROM unnest($1::bigint[], $2::int[])",
                       [env.position for env, _ in items], [e.amount for _, e in items])
    if any(e.amount < 0 for _, e in items):
        raise ValueError("negative deposit in the run")


bulk_runs: list[int] = []


async def test_a_failed_bulk_run_dead_letters_only_the_guilty_record(fresh_dsn: str) -> None:
    topic = "lab27.bulk.events"
    projection = Projection("bulk_ledger", {topic: EventRegistry([Deposited])}, DDL,
                            handlers={"Deposited": on_deposited},
                            bulk_handlers={"Deposited": on_deposited_many})
    envelopes = [Envelope(event_id=uuid.uuid4(), type="Deposited", schema_version=1, stream_id="a",
                          stream_type="account", version=i, position=10 * i, occurred_at="2024-01-01T00:00:00Z",
                          recorded_at="2024-01-01T00:00:00Z", producer="bulk",
                          data={"amount": -1 if i == 3 else i})
                 for i in range(1, 7)]
    pool = await create_pool(fresh_dsn, max_size=2)
    try:
        await install(pool, projection)
        dead = RecordingDeadLetters()
        bulk_runs.clear()
        await Applier(projection, pool, dead).apply(records(topic, envelopes))  # type: ignore[arg-type]
        assert bulk_runs == [6]  # tried as one run, then replayed event by event
        assert [offset for _, offset, _ in dead.sent] == [2]
        assert [tuple(r) for r in await pool.fetch("SELECT * FROM bulk_ledger.deposits ORDER BY position")] == [
            (10, 1), (20, 2), (40, 4), (50, 5), (60, 6)]
        assert await pool.fetchval("SELECT position FROM bulk_ledger.checkpoint") == 60
    finally:
        await pool.close()


def test_a_bulk_handler_needs_a_per_event_handler() -> None:
    with pytest.raises(ValueError, match="without a per-event handler"):
        Projection("x", {}, "", handlers={}, bulk_handlers={"Deposited": on_deposited_many})
