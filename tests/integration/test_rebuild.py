"""Rebuilding the real member directory: fold in memory + COPY + swap == the live path.

Membership events go through MembershipCommands into a PostgresEventStore on a fresh database
(plus one stored MemberAdmitted v1, to go through the upcaster). The live read model is built
by the real pipeline (relay -> broker -> ProjectionRunner -> batched apply); the rebuild folds
the store in memory, COPYs, catches up and swaps with the runner paused. The swapped read
model must hold exactly the live rows, a second rebuild must give the same again, and the
live runner must carry on from the swapped checkpoint (new events applied once).
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import asyncpg
import pytest

from services.membership.application.commands import MembershipCommands
from services.membership.bootstrap import MembershipSettings
from services.membership.domain import (
    AdmitMember,
    LeaveMember,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
)
from services.membership.projections.directory import MEMBER_DIRECTORY
from shared.contracts.membership import Contact, MemberAdmitted, Scheme, identity_key, member_id_for
from shared.db import create_pool
from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import ProjectionRunner, ReadModel
from shared.projections.readmodel import StoredEventMeta
from shared.projections.rebuild import RowDecoder, rebuild
from shared.projections.store_pages import StorePages, row_pages
from shared.relay import Relay, events_topic
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration

KINDS = ["commune", "metropole", "region", "departement", "association", "agglomeration"]


async def populate(store: PostgresEventStore, members: int = 24) -> list[uuid.UUID]:
    """A varied membership history through the real commands; returns the member ids."""
    commands = MembershipCommands(store)
    ids: list[uuid.UUID] = []
    for i in range(members):
        scheme = "association" if i % 3 else "halles_civiques"
        member_id, _ = await commands.execute(AdmitMember(
            scheme=scheme, kind=KINDS[i % len(KINDS)], name=f"Ville de Saint-Étienne {i}",
            territory=f"Territoire {i % 5}", admitted_on=date(2018, 1 + i % 12, 1),
            contacts=(Contact(email=f"lab{i}@example.fr", name=f"Équipe {i}"),) if i % 2 else ()))
        ids.append(member_id)
    for i, member_id in enumerate(ids):
        if i % 2 == 0:
            await commands.execute(UpdateMemberProfile(member_id=member_id, name=f"VILLE DE SAINT ETIENNE {i}",
                                                       territory="", kind="commune"))
        if i % 3 == 0:
            await commands.execute(RenewDues(member_id=member_id, year=date(2018, 1 + i % 12, 1).year + 1))
        if i % 4 == 1:
            await commands.execute(SuspendMember(member_id=member_id, reason="dues unpaid", on=date(2019, 3, 1)))
        if i % 8 == 1:
            await commands.execute(ReinstateMember(member_id=member_id, on=date(2019, 6, 1)))
        if i % 5 == 2:
            await commands.execute(UpdateMemberProfile(member_id=member_id, contacts=(
                Contact(email="new@example.fr", role="élu"), Contact(email="two@example.fr"))))
        if i % 7 == 3:
            await commands.execute(LeaveMember(member_id=member_id, reason="budget\nvote", on=date(2020, 1, 2)))
    return ids


async def append_v1_admission(store: PostgresEventStore) -> uuid.UUID:
    """A MemberAdmitted stored in its v1 shape (one contact_email): read through the upcaster."""
    key = identity_key("Commune historique", None)
    member_id = member_id_for(Scheme.ASSOCIATION, key)
    data = {"member_id": str(member_id), "scheme": "association", "kind": "commune", "name": "Commune historique",
            "siren": None, "identity_key": key, "territory": "", "contact_email": "old@example.fr",
            "admitted_on": "2015-05-05", "dues_paid_until": 2015}
    await store.append(str(member_id), "membership.Member", 0, [NewEvent(
        event_id=uuid.uuid4(), type=MemberAdmitted.event_type, schema_version=1, data=data,
        occurred_at=datetime.now(UTC))])
    return member_id


SCHEMA = MEMBER_DIRECTORY.name


def directory_of(settings: MembershipSettings) -> ReadModel:
    """The member directory reading this test's own membership topic."""
    return MEMBER_DIRECTORY.with_topics({events_topic("membership"): settings.events_topic})


async def directory_rows(pool: asyncpg.Pool, schema: str = SCHEMA) -> list[dict]:
    rows = await pool.fetch(f"SELECT * FROM {schema}.members ORDER BY member_id")
    return [dict(r) for r in rows]


async def checkpoints(pool: asyncpg.Pool, schema: str = SCHEMA) -> dict[str, int]:
    return {r["source"]: r["position"] for r in await pool.fetch(f"SELECT * FROM {schema}.checkpoint")}


async def test_rebuilding_the_member_directory_gives_the_live_rows_and_is_idempotent(
        fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = f"m{uuid.uuid4().hex[:10]}"
    settings = MembershipSettings(service_name=service)
    projection = directory_of(settings)
    topic = settings.events_topic
    store = await open_store(fresh_dsn, service, max_size=6)
    pool = store.pool
    runner = ProjectionRunner(service, [projection], bootstrap=kafka_bootstrap, pool=pool)
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service), runner:
            await populate(store)
            await append_v1_admission(store)
            last = await store.last_position()
            await runner.waiter(SCHEMA).wait_for(topic, last, timeout=30)
            live = await directory_rows(pool)
            assert len(live) == 25
            statuses = {r["status"] for r in live}
            assert statuses == {"active", "suspended", "left"}
            old = next(r for r in live if r["name"] == "Commune historique")
            assert old["contacts"] == [{"email": "old@example.fr", "name": None, "role": None}]

            report = await rebuild(projection, pool, stores={topic: store}, runner=runner)
            assert report.events == last and report.skipped_poison == 0
            assert await directory_rows(pool) == live
            assert await checkpoints(pool) == {topic: last}
            assert not await pool.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'member_directory__%'")

            again = await rebuild(projection, pool, stores={topic: store}, runner=runner)
            assert again.events == last
            assert await directory_rows(pool) == live

            # The live runner carries on in the swapped schema, from its checkpoint, once.
            commands = MembershipCommands(store)
            newcomer, outcome = await commands.execute(AdmitMember(
                scheme="association", kind="region", name="Région Grand Est", admitted_on=date(2021, 2, 2)))
            await commands.execute(RenewDues(member_id=newcomer, year=2022))
            await commands.execute(SuspendMember(member_id=newcomer, reason="test", on=date(2022, 1, 1)))
            last = await store.last_position()
            await runner.waiter(SCHEMA).wait_for(topic, last, timeout=30)
            after_live = await directory_rows(pool)
            assert len(after_live) == 26
            new_row = next(r for r in after_live if r["member_id"] == newcomer)
            assert (new_row["status"], new_row["dues_paid_until"], new_row["version"]) == ("suspended", 2022, 3)

            # ... and a rebuild of everything still equals what the handlers built live.
            await rebuild(projection, pool, stores={topic: store}, runner=runner)
            assert await directory_rows(pool) == after_live
            assert await checkpoints(pool) == {topic: last}
    finally:
        await store.close()


async def test_the_fold_gives_the_same_rows_whatever_its_page_size(fresh_dsn: str) -> None:
    """Page boundaries of the fold (13 events a page) change nothing; nor does rebuilding twice."""
    service = f"m{uuid.uuid4().hex[:10]}"
    settings = MembershipSettings(service_name=service)
    projection = directory_of(settings)
    store = await open_store(fresh_dsn, service, max_size=4)
    pool = store.pool
    try:
        await populate(store, members=40)
        await append_v1_admission(store)
        stores = {settings.events_topic: store}
        whole = await rebuild(projection, pool, stores=stores)
        reference = await directory_rows(pool)
        assert len(reference) == 41
        paged = await rebuild(projection, pool, stores=stores, fold_page_size=13)
        assert paged.events == whole.events and paged.applied == whole.applied
        assert await directory_rows(pool) == reference
        assert await checkpoints(pool) == {settings.events_topic: await store.last_position()}
    finally:
        await store.close()


async def test_rebuild_beside_a_runner_it_cannot_pause_loses_nothing(fresh_dsn: str, kafka_bootstrap: str) -> None:
    """As `lab27 rebuild` while the service runs: the runner (as if in another process) is not
    paused, events keep coming; the swap transaction's checkpoint lock keeps them all."""
    import asyncio

    service = f"m{uuid.uuid4().hex[:10]}"
    settings = MembershipSettings(service_name=service)
    projection = directory_of(settings)
    topic = settings.events_topic
    store = await open_store(fresh_dsn, service, max_size=6)
    pool = store.pool
    other = await create_pool(fresh_dsn, max_size=3)  # the CLI's own connections
    runner = ProjectionRunner(service, [projection], bootstrap=kafka_bootstrap, pool=pool, batch_size=5)
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service), runner:
            await populate(store, members=30)
            commands = MembershipCommands(store)

            async def keep_admitting() -> None:
                for i in range(60):
                    await commands.execute(AdmitMember(scheme="association", kind="commune", name=f"Late {i}",
                                                       admitted_on=date(2022, 1, 1)))
                    await asyncio.sleep(0.005)

            writer = asyncio.create_task(keep_admitting())
            for _ in range(3):
                await rebuild(projection, other, stores={topic: store})
                await asyncio.sleep(0.05)
            await writer
            last = await store.last_position()
            await runner.waiter(SCHEMA).wait_for(topic, last, timeout=30)
            live = await directory_rows(pool)
            assert len(live) == 90
            await rebuild(projection, other, stores={topic: store})
            assert await directory_rows(pool) == live
    finally:
        await store.close()
        await other.close()


async def test_a_fold_reads_each_event_s_business_time_to_the_microsecond(fresh_dsn: str) -> None:
    """The fold reads occurred_at as Postgres's microseconds since 2000 (StoredEventMeta): it must
    give the very datetime the store's envelopes give, before 1970, across 2038, in any zone;
    and the store's one connection must read datetimes again afterwards, even when a fold
    stops part-way."""
    service = f"m{uuid.uuid4().hex[:10]}"
    store = await open_store(fresh_dsn, service, max_size=1)
    instants = [datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2019, 3, 14, 9, 26, 53, 589793, tzinfo=UTC),
                datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=UTC),
                datetime(2026, 12, 1, 16, 0, 0, 7, tzinfo=timezone(timedelta(hours=-9, minutes=-30)))]
    try:
        await store.append("clock-1", "bench.Clock", 0, [
            NewEvent(event_id=uuid.uuid4(), type=Ticked.event_type, data={}, occurred_at=when)
            for when in instants])
        rows = [row async for page in row_pages(StorePages(store.pool, service), 0, limit=100) for row in page]
        pairs, poison = RowDecoder(EventRegistry([Ticked]), {"Ticked"}).decode(rows)
        decoded = [meta for _, meta in pairs]
        envelopes = await store.read_all(0, 100)
        assert poison == 0 and all(isinstance(meta, StoredEventMeta) for meta in decoded)
        assert [meta.occurred_at for meta in decoded] == [e.occurred_at for e in envelopes] == instants
        assert [meta.at("k").occurred_at for meta in decoded] == instants
        pages = row_pages(StorePages(store.pool, service), 0, limit=1)
        assert len(await anext(pages)) == 1
        await pages.aclose()  # a fold that stops after its first page
        assert await store.pool.fetchval("SELECT occurred_at FROM events ORDER BY position LIMIT 1") == instants[0]
    finally:
        await store.close()


class Ticked(DomainEvent):
    event_type = "Ticked"
