"""The read-model contract: a declared read model builds the same tables however its history
arrives.

Each case is a read model and the history of every topic it reads, made by the publishing
service's own domain. The history is stored in real event stores (one database per topic),
read back as the relay would publish it (envelope JSON, ``prev_position`` headers), and fed
to the kit's live applier in three ways, then rebuilt:
- one event per batch;
- batches of random sizes;
- every event delivered twice (twice within its batch, then the whole history again);
- a rebuild: fold in memory, COPY into the side schema, swap.
Every way must leave identical tables and checkpoints, and nothing in the DLQ.

Every read model of every service is added to CASES.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from services.bookings.projections.collective import COLLECTIVE_MEMBERS
from services.bookings.projections.venue import VENUE
from services.cohorts.projections.directory import COHORT_DIRECTORY
from services.cohorts.projections.membership_view import MEMBERSHIP_VIEW as COHORTS_MEMBERSHIP_VIEW
from services.cohorts.projections.roster import COHORT_ROSTER
from services.funding.projections.cohorts_view import COHORTS_VIEW as FUNDING_COHORTS_VIEW
from services.funding.projections.ledger import FUNDING_LEDGER
from services.funding.projections.membership_view import MEMBERSHIP_VIEW as FUNDING_MEMBERSHIP_VIEW
from services.membership.projections.directory import MEMBER_DIRECTORY
from shared.db import create_pool
from shared.events.codec import decode_value
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import ReadModel, schema
from shared.projections.applier import Applier
from shared.projections.dead_letters import DeadLetters
from shared.projections.messages import Incoming
from shared.projections.rebuild import rebuild
from shared.relay.outbox import read_after
from shared.settings import events_topic
from tests._db import create_database, database_dsn, drop_database
from tests.histories.base import Stored
from tests.histories.bookings import bookings_history
from tests.histories.cohorts import cohorts_history
from tests.histories.funding import funding_history
from tests.histories.membership import membership_history

pytestmark = pytest.mark.integration

Histories = Callable[[], Mapping[str, Sequence[Stored]]]  # topic -> what its publisher stored


@dataclass(frozen=True)
class Case:
    model: ReadModel
    histories: Histories


CASES: dict[str, Case] = {
    "member_directory": Case(MEMBER_DIRECTORY, lambda: {events_topic("membership"): membership_history()}),
    "cohort_directory": Case(COHORT_DIRECTORY, lambda: {events_topic("cohorts"): cohorts_history()}),
    "cohort_roster": Case(COHORT_ROSTER, lambda: {events_topic("cohorts"): cohorts_history()}),
    "cohorts_membership_view": Case(COHORTS_MEMBERSHIP_VIEW,
                                    lambda: {events_topic("membership"): membership_history()}),
    "funding_ledger": Case(FUNDING_LEDGER, lambda: {events_topic("funding"): funding_history()}),
    "funding_membership_view": Case(FUNDING_MEMBERSHIP_VIEW, lambda: {events_topic("membership"): membership_history()}),
    "funding_cohorts_view": Case(FUNDING_COHORTS_VIEW, lambda: {events_topic("cohorts"): cohorts_history()}),
    "bookings_venue": Case(VENUE, lambda: {events_topic("bookings"): bookings_history()}),
    "bookings_collective_members": Case(COLLECTIVE_MEMBERS, lambda: {events_topic("membership"): membership_history()}),
}

SEED = 2018


async def records_of(store: PostgresEventStore, topic: str) -> list[Incoming]:
    """The store's events as the relay publishes them: key, envelope JSON, headers."""
    out: list[Incoming] = []
    async with store.pool.acquire() as conn:
        after = 0
        while batch := await read_after(conn, after, 1000, store.producer):
            out += [Incoming(topic, len(out) + i, r.key, r.value, r.headers) for i, r in enumerate(batch)]
            after = batch[-1].position
    return out


def interleaved(per_topic: Mapping[str, list[Incoming]], rng: random.Random) -> list[Incoming]:
    """The topics' records in a random interleaving, each topic's in its own order."""
    queues = {topic: list(records) for topic, records in per_topic.items()}
    turns = [topic for topic, records in per_topic.items() for _ in records]
    rng.shuffle(turns)
    return [queues[topic].pop(0) for topic in turns]


def chunks(records: list[Incoming], rng: random.Random, largest: int) -> list[list[Incoming]]:
    out, i = [], 0
    while i < len(records):
        size = rng.randint(1, largest)
        out.append(records[i:i + size])
        i += size
    return out


def twice(records: list[Incoming], rng: random.Random) -> list[list[Incoming]]:
    """Every record twice in its batch, then the whole history once more."""
    doubled = [r for record in records for r in (record, record)]
    return chunks(doubled, rng, 40) + chunks(records, rng, 40)


async def tables(pool: asyncpg.Pool, model: ReadModel) -> dict[str, Any]:
    """Every row of every table (ordered by key) and the checkpoints."""
    out: dict[str, Any] = {}
    for table in model.tables:
        order = ", ".join(table.key)
        out[table.name] = [dict(r) for r in await pool.fetch(f'SELECT * FROM "{model.name}"."{table.name}" ORDER BY {order}')]
    out["checkpoint"] = {r["source"]: r["position"] for r in await pool.fetch(f'SELECT * FROM "{model.name}".checkpoint')}
    return out


async def fresh_schema(pool: asyncpg.Pool, model: ReadModel) -> None:
    async with pool.acquire() as conn:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{model.name}" CASCADE')
        await schema.install(conn, model.name, model.ddl_text())


@pytest.mark.parametrize("name", sorted(CASES))
async def test_every_way_of_building_a_read_model_gives_the_same_tables(
        name: str, stack, fresh_dsn: str, kafka_bootstrap: str) -> None:
    case = CASES[name]
    model = case.model
    histories = case.histories()
    assert set(histories) == set(model.sources), "a history for every topic the read model reads"
    admin = database_dsn(fresh_dsn, "postgres")
    extra: list[str] = []
    stores: dict[str, PostgresEventStore] = {}
    pool = await create_pool(fresh_dsn, max_size=4)
    dead = DeadLetters(kafka_bootstrap, f"contract{uuid.uuid4().hex[:8]}")
    await dead.start()
    try:
        for topic, history in histories.items():
            dsn = fresh_dsn
            if stores:  # another publisher: its own database, as in production
                extra.append(f"t_{uuid.uuid4().hex[:12]}")
                await create_database(admin, extra[-1])
                dsn = database_dsn(admin, extra[-1])
            producer = topic.split(".")[1]
            store = stores[topic] = await PostgresEventStore.connect(dsn, producer, max_size=3)
            await store.migrate()
            for item in history:
                await store.append(item.stream_id, item.stream_type, None, [item.event])
        per_topic = {topic: await records_of(store, topic) for topic, store in stores.items()}
        rng = random.Random(SEED)
        records = interleaved(per_topic, rng)
        assert records, "an empty history proves nothing"

        ways: dict[str, list[list[Incoming]]] = {
            "one event per batch": [[r] for r in records],
            "random batch sizes": chunks(records, rng, 64),
            "every event twice": twice(records, rng),
        }
        built: dict[str, Any] = {}
        for way, batches in ways.items():
            await fresh_schema(pool, model)
            applier = Applier(model, pool, dead)
            for batch in batches:
                assert not await applier.apply(batch), f"{way}: a gap in a complete history"
            built[way] = await tables(pool, model)
        await fresh_schema(pool, model)  # a rebuild needs no live schema with rows in it
        report = await rebuild(model, pool, stores=stores, fold_page_size=97)
        built["rebuild"] = await tables(pool, model)

        reference = built["one event per batch"]
        assert any(reference[t.name] for t in model.tables), "the history must leave some rows"
        assert reference["checkpoint"] == {t: decode_value(per_topic[t][-1].value).position for t in per_topic}
        for way, result in built.items():
            assert result == reference, f"{name}: {way} differs from one event per batch"
        assert report.skipped_poison == 0
        assert dead.count == 0
    finally:
        await dead.stop()
        await pool.close()
        for store in stores.values():
            await store.close()
        for database in extra:
            await drop_database(admin, database)


def test_every_read_model_of_every_service_is_a_case() -> None:
    """A read model a service declares but CASES forgets would skip the contract unnoticed."""
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    declared = {}  # by identity: two services may each have a read model named membership_view
    for path in sorted(root.glob("services/*/projections/*.py")):
        module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
        declared |= {id(value): f"{module.__name__}.{value.name}" for value in vars(module).values()
                     if isinstance(value, ReadModel)}
    assert len(declared) >= 9
    tested = {id(case.model) for case in CASES.values()}
    assert sorted(name for key, name in declared.items() if key not in tested) == []
