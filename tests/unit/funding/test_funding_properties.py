"""Properties of the Grant decider over random command histories.

Along any history of accepted commands on one grant:
- allocations never exceed the grant: their sum is at most its amount, their number at most
  its administrations (outstanding designations included);
- disbursements never exceed an allocation, and a frozen allocation disburses nothing;
- every sum is exact to the cent: the totals events carry equal the sums of their parts, the
  two tranches add up to the allocation, a freeze holds exactly what is undisbursed;
- funder part + local part = cost, and the cost is the whole cent nearest to allocation /
  share, ties to even.

Retry idempotency, stated precisely: let ``c`` be a command that ``decide`` accepted on state
``s`` with events ``es``, and ``s2 = fold(es, s)``. Re-deciding ``c`` on ``s2`` emits no event:
AwardGrant and AllocateShare raise AlreadyExists, every other command returns ``[]``.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.funding.domain import (
    Administration,
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
    UnfreezeAllocation,
    WithAdministration,
    award_grant_id,
    decide,
    evolve,
    fold,
    initial,
)
from services.funding.domain.fields import MAX_CENTS
from shared.contracts.funding import (
    AllocationFrozen,
    AllocationUnfrozen,
    CoFundingPledged,
    DesignationsRecorded,
    GrantAwarded,
    ShareAllocated,
    Tranche,
    TrancheDisbursed,
    TrancheFellDue,
    co_funding,
    tranche_split,
)
from shared.contracts.membership import MemberStatus
from shared.domain.errors import AlreadyExists, DomainError, InvalidArgument
from shared.domain.fields import Money, parse

AWARDED_ON = date(2017, 7, 1)
GRANT_ID = award_grant_id(AwardGrant(funder="Bloomberg Philanthropies", amount=Money.of(1), awarded_on=AWARDED_ON,
                                     administrations=1, funder_share_bp=1))
MEMBERS = [uuid.uuid5(GRANT_ID, str(i)) for i in range(6)]

dates = st.dates(min_value=AWARDED_ON - timedelta(days=30), max_value=date(2021, 12, 31))
cohort_dates = st.none() | st.dates(min_value=date(2016, 1, 1), max_value=date(2021, 12, 31))
member_ids = st.sampled_from(MEMBERS)
tranches = st.sampled_from(list(Tranche))
reasons = st.sampled_from(["left the association", "audit"])
cents = st.integers(1, 30_000_000)
statuses = st.sampled_from([MemberStatus.ACTIVE] * 6 + [MemberStatus.SUSPENDED, MemberStatus.LEFT, None])

awards = st.builds(
    AwardGrant, funder=st.just("Bloomberg Philanthropies"), amount=cents.map(Money.of), awarded_on=st.just(AWARDED_ON),
    administrations=st.integers(1, 5), funder_share_bp=st.integers(1, 10_000), first_tranche_bp=st.integers(1, 9_999),
)


KINDS = ["allocate"] * 3 + ["designations", "pledge", "due", "disburse", "disburse", "freeze", "unfreeze"]


def command_for(draw, state):
    """A command for the grant as it stands: amounts around what remains, mostly about
    administrations that have an allocation, so that histories get far. Drawn from plain
    choices (building strategies at every step would make hypothesis crawl)."""
    kind = draw(st.sampled_from(KINDS))
    member_id = draw(member_ids)
    if state.allocations and draw(st.integers(0, 3)):
        member_id = draw(st.sampled_from(sorted(state.allocations)))
    on = draw(dates)
    if kind == "allocate":
        amount = draw(st.sampled_from([max(state.remaining, 1), state.amount + 1, 100])
                      | st.integers(1, max(state.remaining, 1)))
        currency = draw(st.sampled_from(["EUR"] * 9 + ["USD"]))
        facts = Administration(member_id, name="Ville", status=draw(statuses), cohort_started_on=draw(cohort_dates),
                               cohort_completed_on=draw(cohort_dates))
        return WithAdministration(AllocateShare(grant_id=GRANT_ID, member_id=member_id,
                                                amount=Money.of(amount, currency), allocated_on=on), facts)
    if kind == "designations":
        due_by = draw(st.sampled_from([date(2018, 12, 31), date(2019, 12, 31), date(2017, 1, 1)]))
        return RecordDesignationsDue(grant_id=GRANT_ID, count=draw(st.integers(1, 3)), due_by=due_by)
    if kind == "pledge":
        amount = draw(st.none() | cents.map(Money.of))
        return PledgeCoFunding(grant_id=GRANT_ID, member_id=member_id, pledged_on=on, amount=amount)
    if kind == "due":
        return MarkTrancheDue(grant_id=GRANT_ID, member_id=member_id, tranche=draw(tranches), due_on=on,
                              cohort_id=draw(st.none() | st.uuids()))
    if kind == "disburse":
        return DisburseTranche(grant_id=GRANT_ID, member_id=member_id, tranche=draw(tranches), disbursed_on=on)
    if kind == "freeze":
        return FreezeAllocation(grant_id=GRANT_ID, member_id=member_id, reason=draw(reasons), on=on)
    return UnfreezeAllocation(grant_id=GRANT_ID, member_id=member_id, reason=draw(reasons), on=on)


def outcome(state, command):
    try:
        return decide(state, command)
    except DomainError as error:
        return type(error)


@st.composite
def histories(draw) -> list[tuple]:
    """(state before, command, events) for every accepted command of a random history."""
    award = draw(awards)
    awarded = decide(initial, award)
    steps, state = [(initial, award, awarded)], fold(awarded)
    for _ in range(draw(st.integers(0, 40))):
        command = command_for(draw, state)
        decided = outcome(state, command)
        if isinstance(decided, list):
            steps.append((state, command, decided))
            state = fold(decided, state)
    return steps


def nearest_cent_half_even(exact: Fraction) -> int:
    return round(exact)  # Python rounds a Fraction half to even


@settings(max_examples=300)
@given(histories())
def test_a_retried_command_emits_nothing(history):
    for before, command, events in history:
        retried = outcome(fold(events, before), command)
        if events and isinstance(command, (AwardGrant, WithAdministration)):
            assert retried is AlreadyExists
        else:
            assert retried == []


def allocations_never_exceed_the_grant(before, events, state) -> None:
    assert 0 <= state.allocated <= state.amount
    assert len(state.allocations) + state.outstanding_designations <= state.administrations
    assert all(0 <= d.outstanding <= d.count for d in state.designations.values())


def disbursements_never_exceed_an_allocation_and_a_frozen_one_disburses_nothing(before, events, state) -> None:
    for allocation in state.allocations.values():
        paid = sum(t.amount for t in allocation.tranches.values() if t.disbursed_on is not None)
        assert 0 <= allocation.disbursed == paid <= allocation.amount
        assert all(t.due_on is not None for t in allocation.tranches.values() if t.disbursed_on is not None)
    for event in events:
        if isinstance(event, TrancheDisbursed):
            assert not before.allocations[event.member_id].frozen


def every_sum_is_exact_to_the_cent(before, events, state) -> None:
    state = before
    for event in events:
        state = evolve(state, event)
        for money in _amounts(event):
            assert isinstance(money.amount_cents, int) and money.currency == state.currency
        match event:
            case ShareAllocated():
                assert event.allocated_total.amount_cents == state.allocated
                assert event.first_tranche + event.final_tranche == event.amount
            case TrancheDisbursed():
                assert event.disbursed_total.amount_cents == state.allocations[event.member_id].disbursed
            case TrancheFellDue():
                assert event.amount.amount_cents == state.allocations[event.member_id].tranches[event.tranche].amount
            case AllocationFrozen():
                allocation = state.allocations[event.member_id]
                assert event.frozen_amount.amount_cents == allocation.amount - allocation.disbursed
            case AllocationUnfrozen():
                assert event.released_amount.amount_cents == before.allocations[event.member_id].frozen_amount
            case CoFundingPledged():
                assert event.pledged >= event.local_part


def funder_part_plus_local_part_is_the_cost_nearest_the_share(before, events, state) -> None:
    for event in events:
        if isinstance(event, ShareAllocated):
            assert event.amount + event.local_part == event.cost
            exact = Fraction(event.amount.amount_cents * 10_000, event.funder_share_bp)
            assert event.cost.amount_cents == nearest_cent_half_even(exact)


MONEY_INVARIANTS = (allocations_never_exceed_the_grant,
                    disbursements_never_exceed_an_allocation_and_a_frozen_one_disburses_nothing,
                    every_sum_is_exact_to_the_cent, funder_part_plus_local_part_is_the_cost_nearest_the_share)


@settings(max_examples=300)
@given(histories())
def test_the_money_invariants_hold_along_any_history(history):
    """One walk of each history checks every invariant (each a function above, named for what it says)."""
    for before, command, events in history:
        state = fold(events, before)
        for invariant in MONEY_INVARIANTS:
            invariant(before, events, state)


@given(st.integers(1, MAX_CENTS), st.integers(1, 10_000), st.integers(1, 9_999))
def test_the_arithmetic_is_exact_for_any_allocation_and_share(allocation, share, first_bp):
    split = co_funding(Money.of(allocation), share)
    assert split.funder_part.amount_cents + split.local_part.amount_cents == split.cost.amount_cents
    assert split.cost.amount_cents == nearest_cent_half_even(Fraction(allocation * 10_000, share))
    assert split.local_part.amount_cents >= 0
    parts = tranche_split(Money.of(allocation), first_bp)
    assert parts[Tranche.FIRST] + parts[Tranche.FINAL] == Money.of(allocation)
    assert parts[Tranche.FIRST].amount_cents == nearest_cent_half_even(Fraction(allocation * first_bp, 10_000))


def _amounts(event) -> list[Money]:
    return [value for value in (getattr(event, f) for f in type(event).model_fields) if isinstance(value, Money)]


# --- evolve is total; any input is accepted or refused with a domain error -------------------

money = st.builds(Money.of, st.integers(-10**6, 10**6), st.sampled_from(["EUR", "USD"]))
allocation_fields = dict(grant_id=st.just(GRANT_ID), member_id=member_ids)
any_event = st.one_of(
    st.builds(GrantAwarded, grant_id=st.just(GRANT_ID), funder=st.just("F"), amount=money, awarded_on=dates,
              administrations=st.integers(0, 5), funder_share_bp=st.integers(1, 10_000),
              first_tranche_bp=st.integers(0, 10_000)),
    st.builds(DesignationsRecorded, grant_id=st.just(GRANT_ID), count=st.integers(0, 5), due_by=dates),
    st.builds(ShareAllocated, **allocation_fields, administration=st.just("A"), amount=money, allocated_on=dates,
              cost=money, local_part=money, funder_share_bp=st.integers(1, 10_000), first_tranche=money,
              final_tranche=money, allocated_total=money, closes_designation_due_by=st.none() | dates),
    st.builds(CoFundingPledged, **allocation_fields, pledged=money, local_part=money, pledged_on=dates),
    st.builds(TrancheFellDue, **allocation_fields, tranche=tranches, amount=money, due_on=dates),
    st.builds(TrancheDisbursed, **allocation_fields, tranche=tranches, amount=money, disbursed_on=dates,
              disbursed_total=money),
    st.builds(AllocationFrozen, **allocation_fields, reason=reasons, frozen_on=dates, frozen_amount=money),
    st.builds(AllocationUnfrozen, **allocation_fields, reason=reasons, unfrozen_on=dates, released_amount=money),
)


@given(st.lists(any_event, max_size=30))
def test_evolve_is_total(events):
    fold(events)  # any order, any figures, even before the award: never raises


junk = (st.none() | st.text(max_size=50) | st.integers() | st.floats() | st.booleans() | st.dates()
        | st.fixed_dictionaries({"amount_cents": st.integers() | st.floats() | st.text(max_size=5),
                                 "currency": st.text(max_size=4)}))


@settings(max_examples=300)
@given(st.fixed_dictionaries(dict(funder=junk, amount=junk, awarded_on=junk, administrations=junk,
                                  funder_share_bp=junk, first_tranche_bp=junk)))
def test_any_award_input_is_either_accepted_or_refused_with_a_domain_error(fields):
    try:
        command = parse(AwardGrant, **fields)  # as the API builds commands
    except InvalidArgument as refused:
        assert refused.violations
        return
    assert isinstance(outcome(initial, command), list)
