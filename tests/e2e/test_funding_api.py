"""Funding through gRPC only, beside membership (each its own process and database, one
broker): the article's grant from award to tranches, exact to the cent; every query; bad
input and the API's error codes; ten allocations racing for the last share.

Administrations are admitted in membership and allocated with the admission's token, so
funding's view of membership holds them when the allocation is decided (no sleeps).
"""
from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest

from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as pb
from shared.grpc.client import field_violations
from tests.e2e.membership_process import admit_request, rid
from tests.e2e.services import System

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "funding")
EUR = "EUR"
JULY_2017 = common_pb2.Date(year=2017, month=7, day=1)
SEPTEMBER_2017 = common_pb2.Date(year=2017, month=9, day=1)


def eur(cents: int, currency: str = EUR) -> common_pb2.Money:
    return common_pb2.Money(amount_cents=cents, currency=currency)


def day(year: int, month: int, d: int) -> common_pb2.Date:
    return common_pb2.Date(year=year, month=month, day=d)


def cents(money: common_pb2.Money) -> tuple[int, str]:
    return money.amount_cents, money.currency


async def failure(awaitable) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await awaitable
    return caught.value


async def admitted(system: System, name: str) -> tuple[str, str]:
    """(member id, the admission's token): a member of the association admitted a moment ago."""
    reply = await system.membership.stub.AdmitMember(admit_request(name), timeout=10)
    return reply.member_id, reply.result.consistency_token


def award(funder: str, amount: int = 86_000_000, administrations: int = 10, **extra) -> pb.AwardGrantRequest:
    return pb.AwardGrantRequest(request_id=rid(), funder=funder, amount=eur(amount), administrations=administrations,
                                funder_share_bp=4500, effective_date=JULY_2017, **extra)


def allocate(grant_id: str, member_id: str, token: str, amount: int = 8_600_000, **extra) -> pb.AllocateShareRequest:
    return pb.AllocateShareRequest(request_id=rid(), grant_id=grant_id, member_id=member_id, amount=eur(amount),
                                   effective_date=SEPTEMBER_2017, consistency_token=token, **extra)


# --- the article's grant ----------------------------------------------------------------


async def test_the_articles_grant_from_award_to_tranches_exact_to_the_cent(system: System):
    stub = system.funding.stub
    mulhouse, admission = await admitted(system, "Ville de Mulhouse")

    awarded = await stub.AwardGrant(award("Bloomberg Philanthropies"), timeout=10)
    grant_id = awarded.grant_id
    assert awarded.result.version == 1 and awarded.result.stream_id == grant_id
    designations = await stub.RecordDesignationsDue(pb.RecordDesignationsDueRequest(
        request_id=rid(), grant_id=grant_id, count=5, due_by=day(2019, 12, 31)), timeout=10)
    assert designations.result.version == 2

    # Admitted a moment ago: the admission's token makes funding's view of membership hold it.
    allocated = await stub.AllocateShare(allocate(grant_id, mulhouse, admission), timeout=10)
    token = allocated.result.consistency_token
    assert "lab27.membership.events:" in token and "lab27.funding.events:" in token  # both writes named
    funded = (await stub.GetAdministrationFunding(pb.GetAdministrationFundingRequest(
        member_id=mulhouse, consistency_token=token), timeout=10)).allocations
    [a] = funded
    assert (a.grant_id, a.funder, a.administration) == (grant_id, "Bloomberg Philanthropies", "Ville de Mulhouse")
    # 45/55: the cost is 86,000 / 45% = 191,111.11 (half to even), the local part the rest.
    assert cents(a.funder_part) == (8_600_000, EUR)
    assert cents(a.cost) == (19_111_111, EUR) and cents(a.local_part) == (10_511_111, EUR)
    assert a.funder_part.amount_cents + a.local_part.amount_cents == a.cost.amount_cents
    assert a.funder_share_bp == 4500 and (a.allocated_on.year, a.allocated_on.month) == (2017, 9)
    assert not a.HasField("pledged") and not a.frozen and cents(a.disbursed) == (0, EUR)
    assert [(t.tranche, t.status, t.amount.amount_cents) for t in a.tranches] == [
        (pb.TRANCHE_FIRST, pb.TRANCHE_STATUS_SCHEDULED, 4_300_000),
        (pb.TRANCHE_FINAL, pb.TRANCHE_STATUS_SCHEDULED, 4_300_000)]

    pledged = await stub.PledgeCoFunding(pb.PledgeCoFundingRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, effective_date=day(2017, 9, 15)), timeout=10)
    too_little = await failure(stub.PledgeCoFunding(pb.PledgeCoFundingRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, amount=eur(10_511_110)), timeout=10))
    assert too_little.code() == grpc.StatusCode.FAILED_PRECONDITION and "105 111.11 EUR" in too_little.details()

    early = await failure(stub.DisburseTranche(pb.DisburseTrancheRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FIRST), timeout=10))
    assert early.code() == grpc.StatusCode.FAILED_PRECONDITION and "has not fallen due" in early.details()
    due = await stub.MarkTrancheDue(pb.MarkTrancheDueRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FIRST,
        effective_date=day(2017, 10, 2)), timeout=10)
    listed = await stub.ListTranchesDue(pb.ListTranchesDueRequest(consistency_token=due.result.consistency_token),
                                        timeout=10)
    assert [(t.grant_id, t.member_id, t.tranche, t.amount.amount_cents, t.due_on.month, t.frozen)
            for t in listed.tranches] == [(grant_id, mulhouse, pb.TRANCHE_FIRST, 4_300_000, 10, False)]
    before_october = await stub.ListTranchesDue(pb.ListTranchesDueRequest(
        due_by=day(2017, 10, 1), consistency_token=due.result.consistency_token), timeout=10)
    assert list(before_october.tranches) == [] and before_october.page.total_size == 0

    paid = await stub.DisburseTranche(pb.DisburseTrancheRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FIRST,
        effective_date=day(2017, 11, 1)), timeout=10)
    frozen = await stub.FreezeAllocation(pb.FreezeAllocationRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, reason="audit", effective_date=day(2018, 1, 8)),
        timeout=10)
    ledger = (await stub.GetGrant(pb.GetGrantRequest(
        grant_id=grant_id, consistency_token=frozen.result.consistency_token), timeout=10)).grant
    assert (ledger.funder, ledger.administrations, ledger.funder_share_bp, ledger.first_tranche_bp) == (
        "Bloomberg Philanthropies", 10, 4500, 5000)
    assert [cents(m)[0] for m in (ledger.awarded, ledger.allocated, ledger.disbursed, ledger.frozen,
                                  ledger.remaining)] == [86_000_000, 8_600_000, 4_300_000, 4_300_000, 77_400_000]
    assert ledger.allocation_count == 1 and ledger.version == frozen.result.version == 7
    assert [(d.due_by.year, d.count, d.outstanding) for d in ledger.designations_outstanding] == [(2019, 5, 5)]

    [a] = (await stub.ListAllocations(pb.ListAllocationsRequest(
        grant_id=grant_id, consistency_token=frozen.result.consistency_token), timeout=10)).allocations
    assert cents(a.pledged) == (10_511_111, EUR) and a.pledged_on.day == 15
    assert cents(a.disbursed) == (4_300_000, EUR) and cents(a.due) == (0, EUR)
    assert a.frozen and cents(a.frozen_amount) == (4_300_000, EUR) and a.frozen_reason == "audit"
    assert [(t.status, t.disbursed_on.month) for t in a.tranches] == [
        (pb.TRANCHE_STATUS_DISBURSED, 11), (pb.TRANCHE_STATUS_SCHEDULED, 0)]

    await stub.MarkTrancheDue(pb.MarkTrancheDueRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FINAL), timeout=10)
    held = await failure(stub.DisburseTranche(pb.DisburseTrancheRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FINAL), timeout=10))
    assert held.code() == grpc.StatusCode.FAILED_PRECONDITION and "frozen (audit)" in held.details()
    unfrozen = await stub.UnfreezeAllocation(pb.UnfreezeAllocationRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, reason="audit closed"), timeout=10)
    final = await stub.DisburseTranche(pb.DisburseTrancheRequest(
        request_id=rid(), grant_id=grant_id, member_id=mulhouse, tranche=pb.TRANCHE_FINAL,
        expected_version=unfrozen.result.version), timeout=10)
    [a] = (await stub.GetAdministrationFunding(pb.GetAdministrationFundingRequest(
        member_id=mulhouse, consistency_token=final.result.consistency_token), timeout=10)).allocations
    assert cents(a.disbursed) == (8_600_000, EUR) and not a.frozen and not a.HasField("frozen_amount")
    assert pledged.result.version < paid.result.version < final.result.version

    grants = await stub.ListGrants(pb.ListGrantsRequest(consistency_token=final.result.consistency_token), timeout=10)
    assert grant_id in [g.grant_id for g in grants.grants]
    [g] = [g for g in grants.grants if g.grant_id == grant_id]
    assert cents(g.disbursed) == (8_600_000, EUR) and cents(g.frozen) == (0, EUR)


async def test_paging_through_a_grants_allocations_and_the_tranches_due(system: System):
    stub = system.funding.stub
    grant_id = (await stub.AwardGrant(award("Fondation des pages", administrations=5), timeout=10)).grant_id
    names = [f"Commune de Page {i}" for i in range(5)]
    token = ""
    for name in names:
        member_id, admission = await admitted(system, name)
        reply = await stub.AllocateShare(allocate(grant_id, member_id, admission, amount=1_000_001), timeout=10)
        due = await stub.MarkTrancheDue(pb.MarkTrancheDueRequest(
            request_id=rid(), grant_id=grant_id, member_id=member_id, tranche=pb.TRANCHE_FIRST,
            effective_date=day(2018, 1, 1)), timeout=10)
        token = due.result.consistency_token
        assert reply.result.version < due.result.version
    seen, page_token = [], ""
    while True:
        page = await stub.ListAllocations(pb.ListAllocationsRequest(
            grant_id=grant_id, page=common_pb2.PageRequest(page_size=2, page_token=page_token),
            consistency_token=token), timeout=10)
        assert page.page.total_size == 5 and len(page.allocations) <= 2
        seen += [a.administration for a in page.allocations]
        page_token = page.page.next_page_token
        if not page_token:
            break
    assert seen == sorted(names)
    [a] = [a for a in page.allocations]
    # 1,000,001 cents in two: 500,000.5 rounds half to even (500,000), the final has the rest.
    assert [t.amount.amount_cents for t in a.tranches] == [500_000, 500_001]
    due = await stub.ListTranchesDue(pb.ListTranchesDueRequest(
        page=common_pb2.PageRequest(page_size=3), due_by=day(2018, 1, 1), consistency_token=token), timeout=10)
    rest = await stub.ListTranchesDue(pb.ListTranchesDueRequest(
        page=common_pb2.PageRequest(page_size=3, page_token=due.page.next_page_token), due_by=day(2018, 1, 1),
        consistency_token=token), timeout=10)
    ours = [t.administration for t in [*due.tranches, *rest.tranches] if t.grant_id == grant_id]
    assert sorted(ours) == names and due.page.total_size >= 5


# --- bad input and error codes ----------------------------------------------------------


async def test_bad_input_is_invalid_argument_naming_every_field_at_once(system: System):
    stub = system.funding.stub
    bad_award = await failure(stub.AwardGrant(pb.AwardGrantRequest(
        request_id=rid(), funder="  ", amount=eur(-5, "eur"), administrations=0, funder_share_bp=10_001,
        first_tranche_bp=10_000, effective_date=day(2017, 2, 30)), timeout=10))
    assert bad_award.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations(bad_award)} == {
        "funder", "amount.currency", "administrations", "funder_share_bp", "first_tranche_bp", "effective_date"}

    bad_allocation = await failure(stub.AllocateShare(pb.AllocateShareRequest(
        request_id="x" * 500, grant_id="not-an-id", member_id="", amount=eur(0), consistency_token="nope"),
        timeout=10))
    assert bad_allocation.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations(bad_allocation)} == {
        "request_id", "grant_id", "member_id", "amount", "consistency_token"}

    no_tranche = await failure(stub.MarkTrancheDue(pb.MarkTrancheDueRequest(
        request_id=rid(), grant_id=str(uuid.uuid4()), member_id=str(uuid.uuid4()), cohort_id="x"), timeout=10))
    assert {v.field for v in field_violations(no_tranche)} == {"tranche", "cohort_id"}
    no_deadline = await failure(stub.RecordDesignationsDue(pb.RecordDesignationsDueRequest(
        request_id=rid(), grant_id=str(uuid.uuid4()), count=1), timeout=10))
    assert [v.field for v in field_violations(no_deadline)] == ["due_by"]
    for query in (stub.GetGrant(pb.GetGrantRequest(grant_id="42"), timeout=10),
                  stub.GetAdministrationFunding(pb.GetAdministrationFundingRequest(member_id=""), timeout=10),
                  stub.ListGrants(pb.ListGrantsRequest(page=common_pb2.PageRequest(page_token="x")), timeout=10),
                  stub.ListTranchesDue(pb.ListTranchesDueRequest(due_by=day(2017, 13, 1)), timeout=10),
                  stub.ListAllocations(pb.ListAllocationsRequest(grant_id=str(uuid.uuid4()),
                                                                 consistency_token="x:1"), timeout=10)):
        assert (await failure(query)).code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_each_rule_has_its_code(system: System):
    stub = system.funding.stub
    mulhouse, admission = await admitted(system, "Ville de Mulhouse des codes")
    request = award("Fondation des codes")
    grant_id = (await stub.AwardGrant(request, timeout=10)).grant_id
    again = await failure(stub.AwardGrant(award("FONDATION  des codes"), timeout=10))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS  # one funder, one day: one grant
    retried = await stub.AwardGrant(request, timeout=10)
    assert retried.result.duplicate and retried.grant_id == grant_id

    stranger = await failure(stub.AllocateShare(allocate(grant_id, str(uuid.uuid4()), admission), timeout=10))
    assert stranger.code() == grpc.StatusCode.FAILED_PRECONDITION and "not a member" in stranger.details()
    in_dollars = allocate(grant_id, mulhouse, admission)
    in_dollars.amount.currency = "USD"
    dollars = await failure(stub.AllocateShare(in_dollars, timeout=10))
    assert [v.field for v in field_violations(dollars)] == ["amount.currency"]
    too_much = await failure(stub.AllocateShare(allocate(grant_id, mulhouse, admission, amount=86_000_001),
                                                timeout=10))
    assert too_much.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "860 000.00 EUR of 860 000.00 EUR remains" in too_much.details()
    unknown = await failure(stub.AllocateShare(allocate(str(uuid.uuid4()), mulhouse, admission), timeout=10))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
    stale = await failure(stub.AllocateShare(allocate(grant_id, mulhouse, admission, expected_version=7), timeout=10))
    assert stale.code() == grpc.StatusCode.ABORTED

    first = allocate(grant_id, mulhouse, admission)
    won = await stub.AllocateShare(first, timeout=10)
    retry = await stub.AllocateShare(first, timeout=10)
    assert retry.result.duplicate and retry.result.version == won.result.version
    twice = await failure(stub.AllocateShare(allocate(grant_id, mulhouse, admission), timeout=10))
    assert twice.code() == grpc.StatusCode.ALREADY_EXISTS

    nobody = await failure(stub.FreezeAllocation(pb.FreezeAllocationRequest(
        request_id=rid(), grant_id=grant_id, member_id=str(uuid.uuid4()), reason="audit"), timeout=10))
    assert nobody.code() == grpc.StatusCode.NOT_FOUND
    for query in (stub.GetGrant(pb.GetGrantRequest(grant_id=str(uuid.uuid4())), timeout=10),
                  stub.ListAllocations(pb.ListAllocationsRequest(grant_id=str(uuid.uuid4())), timeout=10)):
        assert (await failure(query)).code() == grpc.StatusCode.NOT_FOUND
    none = await stub.GetAdministrationFunding(pb.GetAdministrationFundingRequest(member_id=str(uuid.uuid4())),
                                               timeout=10)
    assert list(none.allocations) == []


# --- concurrency ------------------------------------------------------------------------


async def test_ten_allocations_racing_for_the_last_share_give_one_winner(system: System):
    stub = system.funding.stub
    grant_id = (await stub.AwardGrant(award("Fondation de la course"), timeout=10)).grant_id
    members = await asyncio.gather(*(admitted(system, f"Commune de la Course {i}") for i in range(19)))
    # The admission with the furthest position names every other one.
    token = max((t for _m, t in members), key=lambda t: int(t.rsplit(":", 1)[1]))
    for member_id, _ in members[:9]:
        await stub.AllocateShare(allocate(grant_id, member_id, token), timeout=10)

    async def race(member_id: str):
        try:
            return await stub.AllocateShare(allocate(grant_id, member_id, token), timeout=20)
        except grpc.aio.AioRpcError as error:
            return error

    results = await asyncio.gather(*(race(m) for m, _ in members[9:]))
    won = [r for r in results if isinstance(r, pb.AllocateShareResponse)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 1 and len(refused) == 9
    assert {r.code() for r in refused} == {grpc.StatusCode.FAILED_PRECONDITION}
    for error in refused:
        assert "0.00 EUR of 860 000.00 EUR remains" in error.details(), error.details()
    ledger = (await stub.GetGrant(pb.GetGrantRequest(
        grant_id=grant_id, consistency_token=won[0].result.consistency_token), timeout=10)).grant
    assert ledger.allocation_count == 10 and cents(ledger.remaining) == (0, EUR)
    assert cents(ledger.allocated) == (86_000_000, EUR) and ledger.version == 11
