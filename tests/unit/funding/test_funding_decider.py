"""Every command against every state that matters: given events / when command / then."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.funding.domain import (
    Administration,
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    NothingToFreeze,
    PledgeCoFunding,
    RecordDesignationsDue,
    UnfreezeAllocation,
    award_grant_id,
    decide,
)
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
)
from shared.contracts.membership import MemberStatus
from shared.domain.errors import AlreadyExists, InvalidArgument, NotFound, PreconditionFailed
from shared.domain.fields import Money
from tests.unit.funding.examples import (
    AWARD,
    GRANT_ID,
    HALF,
    LILLE,
    LOCAL,
    MULHOUSE,
    PARIS,
    SHARE,
    active,
    allocate,
    allocated,
    awarded,
    given,
)

mulhouse = allocated()
COHORT = uuid.UUID("c0000000-0000-5000-8000-000000000027")


def members(n: int) -> list[uuid.UUID]:
    return [uuid.uuid5(GRANT_ID, f"member {i}") for i in range(n)]


def allocations_of(ids: list[uuid.UUID], amount: Money = SHARE) -> list[ShareAllocated]:
    return [allocated(m, name=f"Ville {i}", total=Money.of(amount.amount_cents * (i + 1)))
            .model_copy(update={"amount": amount}) for i, m in enumerate(ids)]


def due(tranche: Tranche = Tranche.FIRST, on: date = date(2017, 10, 1), member_id: uuid.UUID = MULHOUSE,
        cohort_id: uuid.UUID | None = None) -> TrancheFellDue:
    return TrancheFellDue(grant_id=GRANT_ID, member_id=member_id, tranche=tranche, amount=HALF, due_on=on,
                          cohort_id=cohort_id)


def disbursed(tranche: Tranche = Tranche.FIRST, total: Money = HALF, on: date = date(2017, 11, 1)) -> TrancheDisbursed:
    return TrancheDisbursed(grant_id=GRANT_ID, member_id=MULHOUSE, tranche=tranche, amount=HALF, disbursed_on=on,
                            disbursed_total=total)


def freeze(reason: str = "left the association") -> FreezeAllocation:
    return FreezeAllocation(grant_id=GRANT_ID, member_id=MULHOUSE, reason=reason, on=date(2018, 1, 1))


def frozen(amount: Money = SHARE, reason: str = "left the association") -> AllocationFrozen:
    return AllocationFrozen(grant_id=GRANT_ID, member_id=MULHOUSE, reason=reason, frozen_on=date(2018, 1, 1),
                            frozen_amount=amount)


def disburse(tranche: Tranche = Tranche.FIRST, on: date = date(2017, 11, 1)) -> DisburseTranche:
    return DisburseTranche(grant_id=GRANT_ID, member_id=MULHOUSE, tranche=tranche, disbursed_on=on)


def mark_due(tranche: Tranche = Tranche.FIRST, on: date = date(2017, 10, 1), member_id: uuid.UUID = MULHOUSE,
             cohort_id: uuid.UUID | None = None) -> MarkTrancheDue:
    return MarkTrancheDue(grant_id=GRANT_ID, member_id=member_id, tranche=tranche, due_on=on, cohort_id=cohort_id)


# --- award ----------------------------------------------------------------------------------


def test_award_emits_awarded_with_the_id_derived_from_funder_and_date():
    given().when(AWARD).then(awarded)
    assert award_grant_id(AWARD) == GRANT_ID
    assert award_grant_id(AWARD.model_copy(update={"funder": "BLOOMBERG philanthropies"})) == GRANT_ID


def test_award_twice_already_exists():
    given(awarded).when(AWARD).raises(AlreadyExists, match="already awarded a grant on 2017-07-01")


def test_award_keeps_the_first_tranche_share_it_is_given():
    command = AWARD.model_copy(update={"first_tranche_bp": 3000})
    given().when(command).then(awarded.model_copy(update={"first_tranche_bp": 3000}))


@pytest.mark.parametrize("command", [
    RecordDesignationsDue(grant_id=GRANT_ID, count=5, due_by=date(2019, 12, 31)),
    allocate(),
    PledgeCoFunding(grant_id=GRANT_ID, member_id=MULHOUSE, pledged_on=date(2018, 1, 1)),
    mark_due(),
    disburse(),
    freeze(),
    UnfreezeAllocation(grant_id=GRANT_ID, member_id=MULHOUSE, reason="x", on=date(2018, 1, 1)),
], ids=lambda c: type(getattr(c, "command", c)).__name__)
def test_every_command_on_a_grant_never_awarded_is_not_found(command):
    given().when(command).raises(NotFound, match=f"grant {GRANT_ID} not found")


# --- designations ---------------------------------------------------------------------------

FIVE_BY_2019 = RecordDesignationsDue(grant_id=GRANT_ID, count=5, due_by=date(2019, 12, 31))
five_recorded = DesignationsRecorded(grant_id=GRANT_ID, count=5, due_by=date(2019, 12, 31))


def test_designations_are_recorded_with_their_deadline():
    state = given(awarded).when(FIVE_BY_2019).then(five_recorded)
    assert state.outstanding_designations == 5
    assert state.free_places == 5


def test_the_same_designations_recorded_again_change_nothing():
    given(awarded, five_recorded).when(FIVE_BY_2019).then()


def test_other_designations_for_a_recorded_deadline_are_refused():
    command = FIVE_BY_2019.model_copy(update={"count": 4})
    given(awarded, five_recorded).when(command).raises(PreconditionFailed, match="5 designations due by 2019-12-31")


def test_designations_past_the_places_left_are_refused_naming_what_is_left():
    command = RecordDesignationsDue(grant_id=GRANT_ID, count=2, due_by=date(2020, 6, 30))
    given(awarded, five_recorded, *allocations_of(members(4))).when(command).raises(
        PreconditionFailed, match=r"only 1 of the grant's 10 administrations are left to designate "
                                  r"\(4 allocated, 5 designations outstanding\)")


def test_designations_due_before_the_award_are_refused():
    command = FIVE_BY_2019.model_copy(update={"due_by": date(2017, 6, 30)})
    given(awarded).when(command).raises(PreconditionFailed, match="before the grant's award")


# --- allocate -------------------------------------------------------------------------------


def test_an_allocation_carries_the_articles_co_funding_split_and_two_tranches():
    state = given(awarded).when(allocate()).then(mulhouse)
    assert state.remaining == 86_000_000 - 8_600_000
    assert mulhouse.cost == Money.of(19_111_111) and mulhouse.local_part == LOCAL
    assert mulhouse.first_tranche + mulhouse.final_tranche == SHARE


def test_five_allocations_leave_430_000_of_the_grant():
    state = given(awarded, *allocations_of(members(5))).state
    assert Money.of(state.remaining) == Money.of(43_000_000)


def test_a_second_allocation_for_the_same_administration_already_exists():
    given(awarded, mulhouse).when(allocate(amount=Money.of(100))).raises(
        AlreadyExists, match="Ville de Mulhouse already has an allocation of 86 000.00 EUR")


def test_an_allocation_past_the_grants_amount_is_refused_naming_what_remains():
    nine = allocations_of(members(9))
    given(awarded, *nine).when(allocate(LILLE, amount=Money.of(8_600_001))).raises(
        PreconditionFailed, match="past the grant's amount: 86 000.00 EUR of 860 000.00 EUR remains")


def test_an_allocation_past_the_number_of_administrations_is_refused():
    ten = allocations_of(members(10), amount=Money.of(100))
    given(awarded, *ten).when(allocate(LILLE, amount=Money.of(100))).raises(
        PreconditionFailed, match=r"funds 10 administrations and each has an allocation; 859 990.00 EUR of")


@pytest.mark.parametrize(("standing", "why"), [
    (Administration(PARIS), "is not a member of the association"),
    (Administration(PARIS, name="Ville de Paris", status=MemberStatus.SUSPENDED), "Ville de Paris is suspended"),
    (Administration(PARIS, name="Ville de Paris", status=MemberStatus.LEFT), "Ville de Paris has left"),
])
def test_only_an_active_member_of_the_association_receives_an_allocation(standing, why):
    given(awarded).when(allocate(PARIS, administration=standing)).raises(PreconditionFailed, match=why)


def test_an_allocation_in_another_currency_is_invalid():
    refused = given(awarded).when(allocate(amount=Money.of(100, "USD"))).raises(InvalidArgument)
    assert [(v.field, v.description) for v in refused.violations] == [
        ("amount.currency", "must be the grant's currency, EUR")]


def test_an_allocation_before_the_award_is_refused():
    given(awarded).when(allocate(on=date(2017, 6, 30))).raises(PreconditionFailed, match="before the grant's award")


def test_an_allocation_takes_a_free_place_before_closing_a_designation():
    # The article: four labs started, Lille is next, five more to be designated by 2019.
    four = allocations_of(members(4))
    lille = allocated(LILLE, name="Métropole de Lille", total=Money.of(5 * 8_600_000))
    lille_allocation = allocate(LILLE, administration=active(LILLE, "Métropole de Lille"))
    state = given(awarded, five_recorded, *four).when(lille_allocation).then(lille)
    assert state.outstanding_designations == 5 and state.free_places == 0


def test_with_no_free_place_an_allocation_closes_the_designation_due_soonest():
    sooner = DesignationsRecorded(grant_id=GRANT_ID, count=2, due_by=date(2018, 12, 31))
    later = DesignationsRecorded(grant_id=GRANT_ID, count=3, due_by=date(2019, 12, 31))
    five = allocations_of(members(5))
    expected = allocated(LILLE, name="Métropole de Lille", total=Money.of(6 * 8_600_000), closes=date(2018, 12, 31))
    state = given(awarded, later, sooner, *five).when(
        allocate(LILLE, administration=active(LILLE, "Métropole de Lille"))).then(expected)
    assert state.designations[date(2018, 12, 31)].outstanding == 1
    assert state.outstanding_designations == 4


def test_a_cohort_that_started_and_completed_before_the_allocation_makes_both_tranches_due_with_it():
    # Mulhouse's lab started in June 2016, a year before the grant: due from the allocation's day.
    facts = active(MULHOUSE, cohort_id=COHORT, cohort_started_on=date(2016, 6, 1),
                   cohort_completed_on=date(2017, 8, 31))
    given(awarded).when(allocate(administration=facts)).then(
        mulhouse, due(Tranche.FIRST, date(2017, 9, 1), cohort_id=COHORT),
        due(Tranche.FINAL, date(2017, 9, 1), cohort_id=COHORT))


def test_a_cohort_that_started_before_the_allocation_and_completes_after_makes_the_first_due_with_it():
    facts = active(MULHOUSE, cohort_id=COHORT, cohort_started_on=date(2016, 6, 1))
    given(awarded).when(allocate(administration=facts)).then(
        mulhouse, due(Tranche.FIRST, date(2017, 9, 1), cohort_id=COHORT))


def test_an_allocation_is_decided_only_with_its_administrations_facts():
    command = AllocateShare(grant_id=GRANT_ID, member_id=MULHOUSE, amount=SHARE, allocated_on=date(2017, 9, 1))
    with pytest.raises(TypeError, match="WithAdministration"):
        decide(given(awarded).state, command)


# --- pledge ---------------------------------------------------------------------------------

PLEDGE = PledgeCoFunding(grant_id=GRANT_ID, member_id=MULHOUSE, pledged_on=date(2017, 9, 15))
pledged_local = CoFundingPledged(grant_id=GRANT_ID, member_id=MULHOUSE, pledged=LOCAL, local_part=LOCAL,
                                 pledged_on=date(2017, 9, 15))


def test_a_pledge_without_an_amount_pledges_the_local_part():
    state = given(awarded, mulhouse).when(PLEDGE).then(pledged_local)
    assert state.allocations[MULHOUSE].pledged == LOCAL.amount_cents


def test_the_same_pledge_again_changes_nothing():
    given(awarded, mulhouse, pledged_local).when(PLEDGE.model_copy(update={"amount": LOCAL})).then()


def test_a_larger_pledge_replaces_the_first():
    more = Money.of(12_000_000)
    given(awarded, mulhouse, pledged_local).when(PLEDGE.model_copy(update={"amount": more})).then(
        pledged_local.model_copy(update={"pledged": more}))


def test_a_pledge_short_of_the_local_part_is_refused_naming_it():
    short = PLEDGE.model_copy(update={"amount": Money.of(10_511_110)})
    given(awarded, mulhouse).when(short).raises(
        PreconditionFailed, match="does not cover the local part of the cost: 105 111.11 EUR of 191 111.11 EUR")


def test_a_pledge_for_an_administration_without_allocation_is_not_found():
    given(awarded).when(PLEDGE).raises(NotFound, match=f"administration {MULHOUSE} has no allocation")


# --- tranches fall due ----------------------------------------------------------------------


def test_a_tranche_falls_due_with_its_amount_and_cohort():
    given(awarded, mulhouse).when(mark_due(cohort_id=COHORT)).then(due(cohort_id=COHORT))


def test_a_tranche_never_falls_due_before_its_allocation():
    # The cohort started before the grant and its event is handled once the allocation is made.
    given(awarded, mulhouse).when(mark_due(on=date(2016, 6, 1), cohort_id=COHORT)).then(
        due(on=date(2017, 9, 1), cohort_id=COHORT))


def test_a_tranche_that_fell_due_already_changes_nothing():
    # A cohort-started event seen twice.
    given(awarded, mulhouse, due()).when(mark_due(on=date(2018, 2, 2), cohort_id=COHORT)).then()


def test_a_tranche_of_an_administration_without_allocation_is_not_found():
    given(awarded, mulhouse).when(mark_due(member_id=PARIS)).raises(NotFound)


def test_a_frozen_allocations_tranche_still_falls_due():
    given(awarded, mulhouse, frozen()).when(mark_due(Tranche.FINAL)).then(due(Tranche.FINAL))


# --- disbursements --------------------------------------------------------------------------


def test_a_due_tranche_is_disbursed_whole():
    state = given(awarded, mulhouse, due()).when(disburse()).then(disbursed())
    assert state.allocations[MULHOUSE].disbursed == HALF.amount_cents


def test_both_tranches_disburse_exactly_the_allocation():
    state = given(awarded, mulhouse, due(), disbursed(), due(Tranche.FINAL)).when(disburse(Tranche.FINAL)).then(
        disbursed(Tranche.FINAL, total=SHARE))
    assert state.allocations[MULHOUSE].undisbursed == 0


def test_a_tranche_disbursed_already_changes_nothing():
    given(awarded, mulhouse, due(), disbursed()).when(disburse(on=date(2018, 3, 3))).then()


def test_a_tranche_not_yet_due_is_not_disbursed():
    given(awarded, mulhouse, due()).when(disburse(Tranche.FINAL)).raises(
        PreconditionFailed, match="the final tranche has not fallen due")


def test_a_frozen_allocation_disburses_nothing():
    given(awarded, mulhouse, due(), frozen()).when(disburse()).raises(
        PreconditionFailed, match=r"frozen \(left the association\): it disburses nothing")


def test_a_disbursement_before_the_allocation_is_refused():
    given(awarded, mulhouse, due()).when(disburse(on=date(2017, 8, 31))).raises(
        PreconditionFailed, match="before the allocation")


# --- freeze / unfreeze ----------------------------------------------------------------------


def test_freezing_freezes_what_has_not_been_disbursed():
    state = given(awarded, mulhouse, due(), disbursed()).when(freeze()).then(frozen(HALF))
    assert state.allocations[MULHOUSE].frozen


def test_an_allocation_frozen_already_changes_nothing():
    # A member-left event seen twice, or a manual freeze before the departure.
    given(awarded, mulhouse, frozen(reason="audit")).when(freeze()).then()


def test_a_fully_disbursed_allocation_has_nothing_to_freeze():
    history = (awarded, mulhouse, due(), disbursed(), due(Tranche.FINAL), disbursed(Tranche.FINAL, total=SHARE))
    given(*history).when(freeze()).raises(NothingToFreeze, match="fully disbursed")


def test_unfreezing_releases_what_the_freeze_held_and_disbursing_resumes():
    unfreeze = UnfreezeAllocation(grant_id=GRANT_ID, member_id=MULHOUSE, reason="rejoined", on=date(2018, 2, 1))
    released = AllocationUnfrozen(grant_id=GRANT_ID, member_id=MULHOUSE, reason="rejoined",
                                  unfrozen_on=date(2018, 2, 1), released_amount=SHARE)
    given(awarded, mulhouse, due(), frozen()).when(unfreeze).then(released)
    given(awarded, mulhouse, due(), frozen(), released).when(disburse(on=date(2018, 2, 2))).then(
        disbursed(on=date(2018, 2, 2)))


def test_unfreezing_an_allocation_not_frozen_changes_nothing():
    unfreeze = UnfreezeAllocation(grant_id=GRANT_ID, member_id=MULHOUSE, reason="x", on=date(2018, 2, 1))
    given(awarded, mulhouse).when(unfreeze).then()


def test_freezing_an_administration_without_allocation_is_not_found():
    given(awarded).when(freeze()).raises(NotFound)


def test_an_award_command_is_not_mistaken_for_another_grant():
    other = AwardGrant(funder="Fondation de France", amount=Money.of(100), awarded_on=date(2017, 7, 1),
                       administrations=1, funder_share_bp=5000)
    assert award_grant_id(other) != GRANT_ID
    assert isinstance(decide(None, other)[0], GrantAwarded)
