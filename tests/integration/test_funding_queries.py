"""The funding queries over read models built from real stores: the article's grant through
FundingCommands on the real event store, applied by the kit's applier, read by the queries;
and the lookup of an administration in the local views of membership and cohorts, with its
bounded wait on a consistency token."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.funding.application import queries
from services.funding.application.administrations import LocalViewsLookup
from services.funding.application.commands import FundingCommands
from services.funding.domain import (
    Administration,
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
)
from services.funding.projections.cohorts_view import COHORTS_VIEW
from services.funding.projections.ledger import FUNDING_LEDGER
from services.funding.projections.membership_view import MEMBERSHIP_VIEW
from services.membership.domain import AdmitMember, LeaveMember, admission_member_id, decide, fold
from shared.application.requests import RequestMeta
from shared.contracts.cohorts import STREAM_TYPE as COHORT_STREAM
from shared.contracts.cohorts import CohortCompleted, CohortKind, CohortStarted, cohorts_registry
from shared.contracts.membership import STREAM_TYPE as MEMBER_STREAM, MemberStatus, membership_registry
from shared.db import create_pool
from shared.domain.errors import NotFound, Unavailable
from shared.domain.fields import Money
from shared.projections import PositionWaiter, schema
from shared.projections.applier import Applier
from shared.projections.dead_letters import DeadLetters
from shared.settings import events_topic
from tests._db import create_database, database_dsn, drop_database
from tests.histories.base import stored
from tests.integration.test_read_model_contract import records_of
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration

LABS = ["Ville de Mulhouse", "Communauté urbaine de Dunkerque", "Ville de Paris", "Région Occitanie",
        "Métropole européenne de Lille"]
IDS = {name: uuid.uuid5(uuid.NAMESPACE_URL, name) for name in LABS}


async def the_labs_are_active(member_id: uuid.UUID, after) -> Administration:
    name = next(n for n, i in IDS.items() if i == member_id)
    return Administration(member_id, name=name, status=MemberStatus.ACTIVE)


async def build(model, store, pool, dead) -> None:
    async with pool.acquire() as conn:
        await schema.install(conn, model.name, model.ddl_text())
    assert not await Applier(model, pool, dead).apply(await records_of(store, model.topics[0]))


async def test_the_articles_grant_reads_back_through_the_ledger_queries(fresh_dsn: str, kafka_bootstrap: str) -> None:
    store = await open_store(fresh_dsn, "funding", max_size=4)
    pool = await create_pool(fresh_dsn, max_size=2)
    dead = DeadLetters(kafka_bootstrap, f"fq{uuid.uuid4().hex[:8]}")
    await dead.start()
    try:
        commands = FundingCommands(store, the_labs_are_active)
        run = commands.execute
        grant_id, _ = await run(AwardGrant(funder="Bloomberg Philanthropies", amount=Money.of(86_000_000),
                                           awarded_on=date(2017, 7, 1), administrations=10, funder_share_bp=4500))
        await run(RecordDesignationsDue(grant_id=grant_id, count=5, due_by=date(2019, 12, 31)))
        for name, member_id in IDS.items():
            await run(AllocateShare(grant_id=grant_id, member_id=member_id, amount=Money.of(8_600_000),
                                    allocated_on=date(2017, 9, 1)))
        mulhouse, paris = IDS["Ville de Mulhouse"], IDS["Ville de Paris"]
        await run(PledgeCoFunding(grant_id=grant_id, member_id=mulhouse, pledged_on=date(2017, 9, 15)))
        await run(MarkTrancheDue(grant_id=grant_id, member_id=mulhouse, tranche="first", due_on=date(2016, 6, 1)))
        await run(DisburseTranche(grant_id=grant_id, member_id=mulhouse, tranche="first",
                                  disbursed_on=date(2017, 10, 1)))
        await run(MarkTrancheDue(grant_id=grant_id, member_id=paris, tranche="first", due_on=date(2018, 5, 1)))
        await run(FreezeAllocation(grant_id=grant_id, member_id=paris, reason="audit", on=date(2018, 6, 1)),
                  RequestMeta(request_id="freeze-paris"))
        await build(FUNDING_LEDGER, store, pool, dead)

        ledger = await queries.get_grant(pool, grant_id)
        g = ledger.grant
        assert (g["awarded_cents"], g["allocated_cents"], g["remaining_cents"]) == (86_000_000, 43_000_000, 43_000_000)
        assert (g["disbursed_cents"], g["frozen_cents"], g["allocation_count"]) == (4_300_000, 8_600_000, 5)
        assert g["version"] == 12  # award, designations, 5 allocations, pledge, 2 due, disbursed, frozen
        assert [(d["due_by"], d["outstanding"]) for d in ledger.designations] == [(date(2019, 12, 31), 5)]

        [funding] = await queries.administration_funding(pool, mulhouse)
        a = funding.allocation
        assert (a["allocation_cents"], a["local_part_cents"], a["cost_cents"]) == (8_600_000, 10_511_111, 19_111_111)
        assert (a["pledged_cents"], a["disbursed_cents"]) == (10_511_111, 4_300_000)
        assert a["funder"] == "Bloomberg Philanthropies"
        assert [(t["tranche"], t["status"]) for t in funding.tranches] == [("first", "disbursed")]
        assert funding.due == []

        due = await queries.list_tranches_due(pool)
        assert [(r["administration"], r["tranche"], r["amount_cents"], r["frozen_reason"]) for r in due.rows] == [
            ("Ville de Paris", "first", 4_300_000, "audit")]
        assert (await queries.list_tranches_due(pool, due_by=date(2018, 4, 30))).rows == []

        first = await queries.list_allocations(pool, grant_id, requested_size=3)
        rest = await queries.list_allocations(pool, grant_id, requested_size=3, page_token=first.next_page_token)
        names = [f.allocation["administration"] for f in first.rows + rest.rows]
        assert names == sorted(LABS) and first.total_size == 5 and rest.next_page_token == ""

        page = await queries.list_grants(pool)
        assert [r.grant["grant_id"] for r in page.rows] == [grant_id] and page.total_size == 1
        with pytest.raises(NotFound):
            await queries.get_grant(pool, uuid.uuid4())
        with pytest.raises(NotFound):
            await queries.get_allocation(pool, grant_id, uuid.uuid4())
    finally:
        await dead.stop()
        await pool.close()
        await store.close()


async def test_the_local_views_say_who_is_an_active_member_and_which_lab_it_runs_after_a_token(
        fresh_dsn: str, kafka_bootstrap: str) -> None:
    store = await open_store(fresh_dsn, "membership", max_size=2)
    # Cohorts' events come from another service's store: a database of their own.
    cohorts_db = f"t_cohorts_{uuid.uuid4().hex[:10]}"
    admin = database_dsn(fresh_dsn, "postgres")
    await create_database(admin, cohorts_db)
    cohorts_store = await open_store(database_dsn(fresh_dsn, cohorts_db), "cohorts", max_size=2)
    pool = await create_pool(fresh_dsn, max_size=3)
    dead = DeadLetters(kafka_bootstrap, f"fv{uuid.uuid4().hex[:8]}")
    await dead.start()
    membership_waiter = PositionWaiter(pool, MEMBERSHIP_VIEW.name, db_poll_interval=0.02)
    cohorts_waiter = PositionWaiter(pool, COHORTS_VIEW.name, db_poll_interval=0.02)
    try:
        admissions = {name: AdmitMember(scheme=scheme, kind="commune", name=name, admitted_on=date(2016, 1, 1))
                      for name, scheme in (("Ville de Mulhouse", "association"), ("Ville de Roubaix", "association"),
                                           ("Ville de Paris", "halles_civiques"))}
        ids = {name: admission_member_id(admit) for name, admit in admissions.items()}
        for name, admit in admissions.items():
            events = decide(None, admit)
            if name == "Ville de Roubaix":
                events += decide(fold(events), LeaveMember(member_id=admission_member_id(admit), reason="budget",
                                                           on=date(2018, 1, 1)))
            for item in stored(str(admission_member_id(admit)), MEMBER_STREAM, events, membership_registry()):
                await store.append(item.stream_id, item.stream_type, None, [item.event])
        mulhouse, roubaix = ids["Ville de Mulhouse"], ids["Ville de Roubaix"]
        first_lab, second_lab, workshop = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        for cohort_id, host, events in (
                (first_lab, mulhouse, [lab_started(first_lab, mulhouse, date(2016, 6, 1)),
                                       lab_completed(first_lab, mulhouse, date(2016, 6, 1), date(2017, 11, 30))]),
                (second_lab, mulhouse, [lab_started(second_lab, mulhouse, date(2019, 1, 7))]),
                (workshop, roubaix, [lab_started(workshop, roubaix, date(2017, 3, 1), CohortKind.WORKSHOP)])):
            for item in stored(str(cohort_id), COHORT_STREAM, events, cohorts_registry()):
                await cohorts_store.append(item.stream_id, item.stream_type, None, [item.event])
        await build(MEMBERSHIP_VIEW, store, pool, dead)
        await build(COHORTS_VIEW, cohorts_store, pool, dead)
        await membership_waiter.start()
        await cohorts_waiter.start()
        topics = {events_topic("membership"): membership_waiter, events_topic("cohorts"): cohorts_waiter}
        heads = {topic: waiter.position(topic) for topic, waiter in topics.items()}
        assert all(heads.values())

        async def wait_for_views(positions):
            for topic, position in positions.items():
                await topics[topic].wait_for(topic, position, timeout=0.3)

        lookup = LocalViewsLookup(pool, wait_for_views)
        # Its latest lab: the second, running; the first's completion is not its tranche's.
        assert await lookup(mulhouse, heads) == Administration(
            mulhouse, name="Ville de Mulhouse", status=MemberStatus.ACTIVE, status_since=date(2016, 1, 1),
            cohort_id=second_lab, cohort_started_on=date(2019, 1, 7))
        left = await lookup(roubaix, {})
        assert (left.status, left.status_since, left.cohort_id) == (MemberStatus.LEFT, date(2018, 1, 1), None)
        assert await lookup(ids["Ville de Paris"], {}) == Administration(ids["Ville de Paris"])  # not the association
        for topic, head in heads.items():
            with pytest.raises(Unavailable):
                await lookup(mulhouse, {topic: head + 1})  # a write the view has not applied
    finally:
        await cohorts_waiter.stop()
        await membership_waiter.stop()
        await dead.stop()
        await pool.close()
        await cohorts_store.close()
        await store.close()
        await drop_database(admin, cohorts_db)


def lab_started(cohort_id: uuid.UUID, host: uuid.UUID, on: date, kind: CohortKind = CohortKind.LAB) -> CohortStarted:
    return CohortStarted(cohort_id=cohort_id, host_member_id=host, kind=kind, started_on=on,
                         planned_end=date(on.year + 1, 12, 31))


def lab_completed(cohort_id: uuid.UUID, host: uuid.UUID, started: date, on: date) -> CohortCompleted:
    return CohortCompleted(cohort_id=cohort_id, host_member_id=host, kind=CohortKind.LAB, started_on=started,
                           completed_on=on)
