"""Funding's reactions through gRPC only, with membership and cohorts beside it (each its own
process and database, one broker): a lab's start makes its host's first tranche due, once,
whatever is redelivered; its completion the final one; an allocation made after the lab
started has its first tranche due at once (Mulhouse); a departure freezes exactly what is
undisbursed; both upstream topics replayed from the beginning change nothing.

Every read is a funding query carrying the upstream command's consistency token, which
waits until funding's reaction has handled that write and the ledger shows its effect: no
sleeps. A record produced again is followed by a later upstream write whose token is passed
on, so the query answers only once funding has consumed the redelivered record too. The
replay from the beginning deletes funding's checkpoints, as an operator resetting them would:
the views and the reactions then handle every record again, and nothing more is stored.
"""
from __future__ import annotations

import uuid

import pytest
from aiokafka import TopicPartition

from lab27.cohorts.v1 import cohorts_pb2 as cpb
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as pb
from lab27.membership.v1 import membership_pb2 as mpb
from shared.application.consistency import decode_token, encode_token, merged
from shared.kafka import consumer, fetches_until_empty, producer
from shared.settings import events_topic
from tests._db import execute, fetch
from tests.e2e.membership_process import admit_request, rid
from tests.e2e.services import System

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "cohorts", "funding")
COHORTS, MEMBERSHIP = events_topic("cohorts"), events_topic("membership")
SHARE = 8_600_000
HALF = 4_300_000


def day(year: int, month: int, d: int) -> common_pb2.Date:
    return common_pb2.Date(year=year, month=month, day=d)


def both(*tokens: str) -> str:
    """One token naming every write of ``tokens`` (what a client passes on after two services)."""
    return encode_token(merged(*(decode_token(t) for t in tokens)))


async def admitted(system: System, name: str) -> tuple[str, str]:
    reply = await system.membership.stub.AdmitMember(admit_request(name, effective_date=day(2015, 1, 5)),
                                                     timeout=10)
    return reply.member_id, reply.result.consistency_token


async def lab(system: System, host: str, token: str, opened: common_pb2.Date,
              kind: int = cpb.COHORT_KIND_LAB) -> str:
    months = {"duration_months": 16} if kind == cpb.COHORT_KIND_LAB else {"duration_days": 1}
    reply = await system.cohorts.stub.OpenCohort(cpb.OpenCohortRequest(
        request_id=rid(), kind=kind, host_member_id=host, theme="Accueil des usagers",
        project_statement="Repenser l'accueil du public", planned_start=opened, effective_date=opened,
        consistency_token=token, **months), timeout=10)
    return reply.cohort_id


async def start(system: System, cohort_id: str, on: common_pb2.Date) -> str:
    reply = await system.cohorts.stub.StartCohort(cpb.StartCohortRequest(
        request_id=rid(), cohort_id=cohort_id, effective_date=on), timeout=10)
    return reply.result.consistency_token


async def grant(system: System, funder: str) -> str:
    return (await system.funding.stub.AwardGrant(pb.AwardGrantRequest(
        request_id=rid(), funder=funder, amount=common_pb2.Money(amount_cents=86_000_000, currency="EUR"),
        administrations=10, funder_share_bp=4500, effective_date=day(2017, 7, 1)), timeout=10)).grant_id


async def allocate(system: System, grant_id: str, member_id: str, token: str) -> str:
    reply = await system.funding.stub.AllocateShare(pb.AllocateShareRequest(
        request_id=rid(), grant_id=grant_id, member_id=member_id,
        amount=common_pb2.Money(amount_cents=SHARE, currency="EUR"), effective_date=day(2017, 9, 1),
        consistency_token=token), timeout=10)
    return reply.result.consistency_token


async def funding_of(system: System, member_id: str, token: str) -> pb.Allocation:
    [allocation] = (await system.funding.stub.GetAdministrationFunding(pb.GetAdministrationFundingRequest(
        member_id=member_id, consistency_token=token), timeout=10)).allocations
    return allocation


def tranches(allocation: pb.Allocation) -> list[tuple]:
    return [(t.tranche, t.status, (t.due_on.year, t.due_on.month, t.due_on.day), t.cohort_id)
            for t in allocation.tranches]


async def version_of(system: System, grant_id: str, token: str) -> int:
    return (await system.funding.stub.GetGrant(pb.GetGrantRequest(grant_id=grant_id, consistency_token=token),
                                               timeout=10)).grant.version


# --- the topics, as fault injection sees them -----------------------------------------------


async def records_of(system: System, topic: str) -> list:
    """Every record of ``topic`` so far, from offset 0 (one partition)."""
    tp = TopicPartition(topic, 0)
    reader = consumer(system.broker.bootstrap_servers, group_id=None)
    await reader.start()
    try:
        reader.assign([tp])
        reader.seek(tp, 0)
        return [r async for batch in fetches_until_empty(reader, tp) for r in batch]
    finally:
        await reader.stop()


async def produce_again(system: System, topic: str, records: list) -> None:
    """The records as they were (key, value, headers): a redelivery, or a replay of the topic."""
    send = producer(system.broker.bootstrap_servers)
    await send.start()
    try:
        for r in records:
            await send.send(topic, r.value, r.key, partition=0, headers=list(r.headers))
        await send.flush()
    finally:
        await send.stop()


async def later_writes(system: System) -> str:
    """A write in membership and one in cohorts after whatever was produced before: the token
    of both, which a funding query waits on (so funding has consumed everything before them)."""
    member_id, admission = await admitted(system, f"Commune témoin {uuid.uuid4().hex[:8]}")
    opened = await system.cohorts.stub.OpenCohort(cpb.OpenCohortRequest(
        request_id=rid(), kind=cpb.COHORT_KIND_WORKSHOP, host_member_id=member_id, theme="Témoin",
        project_statement="Un atelier d'un jour", planned_start=day(2018, 3, 1), duration_days=1,
        effective_date=day(2018, 2, 1), consistency_token=admission), timeout=10)
    return both(admission, opened.result.consistency_token)


# --- reactions ------------------------------------------------------------------------------


async def test_a_lab_started_makes_the_first_tranche_due_once_even_seen_twice(system: System):
    host, admission = await admitted(system, "Communauté urbaine de Dunkerque")
    grant_id = await grant(system, "Fondation des labs")
    allocated = await allocate(system, grant_id, host, admission)
    cohort_id = await lab(system, host, admission, day(2017, 9, 15))
    assert tranches(await funding_of(system, host, allocated))[0][1] == pb.TRANCHE_STATUS_SCHEDULED

    started = await start(system, cohort_id, day(2017, 10, 2))
    funded = await funding_of(system, host, started)  # StartCohort's token: waits for the reaction
    assert tranches(funded) == [(pb.TRANCHE_FIRST, pb.TRANCHE_STATUS_DUE, (2017, 10, 2), cohort_id),
                                (pb.TRANCHE_FINAL, pb.TRANCHE_STATUS_SCHEDULED, (0, 0, 0), "")]
    assert funded.due.amount_cents == HALF
    version = await version_of(system, grant_id, started)

    [record] = [r for r in await records_of(system, COHORTS)
                if dict(r.headers)["type"] == b"cohorts.CohortStarted" and cohort_id.encode() in r.value]
    await produce_again(system, COHORTS, [record])
    after = await later_writes(system)
    assert tranches(await funding_of(system, host, after)) == tranches(funded)
    assert await version_of(system, grant_id, after) == version  # nothing more stored
    due = await system.funding.stub.ListTranchesDue(pb.ListTranchesDueRequest(consistency_token=after), timeout=10)
    assert [(t.member_id, t.tranche) for t in due.tranches if t.grant_id == grant_id] == [(host, pb.TRANCHE_FIRST)]

    completed = await system.cohorts.stub.CompleteCohort(cpb.CompleteCohortRequest(
        request_id=rid(), cohort_id=cohort_id, effective_date=day(2019, 1, 31)), timeout=10)
    funded = await funding_of(system, host, completed.result.consistency_token)
    assert tranches(funded)[1] == (pb.TRANCHE_FINAL, pb.TRANCHE_STATUS_DUE, (2019, 1, 31), cohort_id)
    assert funded.due.amount_cents == SHARE
    assert await version_of(system, grant_id, completed.result.consistency_token) == version + 1


async def test_an_allocation_after_its_hosts_lab_started_has_its_first_tranche_due_at_once(system: System):
    # Mulhouse's lab started in June 2016; the grant came in July 2017.
    host, admission = await admitted(system, "Ville de Mulhouse")
    cohort_id = await lab(system, host, admission, day(2016, 5, 2))
    started = await start(system, cohort_id, day(2016, 6, 1))
    grant_id = await grant(system, "Bloomberg Philanthropies")
    allocated = await allocate(system, grant_id, host, both(admission, started))
    assert tranches(await funding_of(system, host, allocated)) == [
        (pb.TRANCHE_FIRST, pb.TRANCHE_STATUS_DUE, (2017, 9, 1), cohort_id),  # due from the allocation's day
        (pb.TRANCHE_FINAL, pb.TRANCHE_STATUS_SCHEDULED, (0, 0, 0), "")]
    assert await version_of(system, grant_id, allocated) == 3  # awarded, allocated + fell due, in one append


async def test_a_workshop_unlocks_no_tranche(system: System):
    host, admission = await admitted(system, "Département de la Gironde")
    grant_id = await grant(system, "Fondation des ateliers")
    allocated = await allocate(system, grant_id, host, admission)
    workshop = await lab(system, host, admission, day(2017, 10, 2), kind=cpb.COHORT_KIND_WORKSHOP)
    started = await start(system, workshop, day(2017, 10, 2))
    funded = await funding_of(system, host, both(allocated, started))
    assert {t.status for t in funded.tranches} == {pb.TRANCHE_STATUS_SCHEDULED}
    assert await version_of(system, grant_id, both(allocated, started)) == 2  # awarded, allocated


async def test_a_departure_freezes_exactly_what_is_undisbursed(system: System):
    stub = system.funding.stub
    member_id, admission = await admitted(system, "Région Occitanie")
    grant_id = await grant(system, "Fondation des départs")
    await allocate(system, grant_id, member_id, admission)
    await stub.MarkTrancheDue(pb.MarkTrancheDueRequest(
        request_id=rid(), grant_id=grant_id, member_id=member_id, tranche=pb.TRANCHE_FIRST), timeout=10)
    paid = await stub.DisburseTranche(pb.DisburseTrancheRequest(
        request_id=rid(), grant_id=grant_id, member_id=member_id, tranche=pb.TRANCHE_FIRST,
        effective_date=day(2017, 11, 1)), timeout=10)

    left = await system.membership.stub.LeaveMember(mpb.LeaveMemberRequest(
        request_id=rid(), member_id=member_id, reason="fin de l'adhésion", effective_date=day(2018, 6, 30)),
        timeout=10)
    funded = await funding_of(system, member_id, both(paid.result.consistency_token, left.result.consistency_token))
    assert funded.frozen and funded.frozen_amount.amount_cents == SHARE - HALF == HALF
    assert funded.frozen_reason == "left the association: fin de l'adhésion"
    assert (funded.frozen_on.year, funded.frozen_on.month, funded.frozen_on.day) == (2018, 6, 30)
    ledger = (await stub.GetGrant(pb.GetGrantRequest(
        grant_id=grant_id, consistency_token=left.result.consistency_token), timeout=10)).grant
    assert (ledger.disbursed.amount_cents, ledger.frozen.amount_cents) == (HALF, HALF)


async def test_both_topics_redelivered_then_replayed_from_the_beginning_change_nothing(system: System):
    """Last in the module: everything the tests above made is delivered again."""
    stub = system.funding.stub

    async def everything(token: str) -> list[bytes]:
        grants = (await stub.ListGrants(pb.ListGrantsRequest(
            page=common_pb2.PageRequest(page_size=100), consistency_token=token), timeout=10)).grants
        allocations = [a for g in grants for a in (await stub.ListAllocations(pb.ListAllocationsRequest(
            grant_id=g.grant_id, page=common_pb2.PageRequest(page_size=100), consistency_token=token),
            timeout=10)).allocations]
        due = (await stub.ListTranchesDue(pb.ListTranchesDueRequest(
            page=common_pb2.PageRequest(page_size=100), consistency_token=token), timeout=10)).tranches
        return [m.SerializeToString(deterministic=True) for m in [*grants, *allocations, *due]]

    async def unchanged(token: str) -> None:
        assert await everything(token) == before
        assert await fetch(system.funding.dsn, STORED) == stored  # no command stored anything
        for reaction in REACTIONS:
            assert await fetch(system.funding.dsn, f"SELECT * FROM {reaction}.anomalies") == []

    before = await everything(await later_writes(system))
    stored = await fetch(system.funding.dsn, STORED)
    assert len(before) > 10 and len(stored) > 10  # the grants, allocations and tranches of the tests above
    records = {topic: await records_of(system, topic) for topic in (MEMBERSHIP, COHORTS)}
    assert {dict(r.headers)["type"] for r in records[COHORTS]} >= {b"cohorts.CohortStarted",
                                                                    b"cohorts.CohortCompleted"}
    assert b"membership.MemberLeft" in {dict(r.headers)["type"] for r in records[MEMBERSHIP]}

    # 1. Every record of both topics delivered twice: produced again, in order.
    for topic, copies in records.items():
        await produce_again(system, topic, copies)
    await unchanged(await later_writes(system))

    # 2. Replayed from the beginning: funding's checkpoints of both topics deleted (as an
    # operator resetting them would); the next records show the gap, and the views and the
    # reactions read both topics again from offset 0, the originals and their copies.
    consumers = (*REACTIONS, "membership_view", "cohorts_view")
    await execute(system.funding.dsn, "; ".join(f"DELETE FROM {c}.checkpoint" for c in consumers))
    probe = await later_writes(system)
    await unchanged(probe)
    handled = {(r["schema"], r["source"]): r["position"] for r in await fetch(system.funding.dsn, " UNION ALL ".join(
        f"SELECT '{c}' AS schema, source, position FROM {c}.checkpoint" for c in REACTIONS))}
    positions = decode_token(probe)
    assert handled[(REACTIONS[0], COHORTS)] >= positions[COHORTS]
    assert handled[(REACTIONS[1], MEMBERSHIP)] >= positions[MEMBERSHIP]


STORED = "SELECT stream_id, version, type FROM events ORDER BY position"
REACTIONS = ("funding_tranches_due", "funding_departures")
