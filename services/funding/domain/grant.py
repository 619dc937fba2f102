"""The Grant decider: ``decide`` turns a command into events or refuses it with a domain
error. Pure: no I/O, no clock; what membership and cohorts know comes in as facts
(``WithAdministration``).

Retry idempotency (checked by a property test): re-deciding a command on the state its own
events produced never emits anything. AwardGrant and AllocateShare are refused with
AlreadyExists (the grant, the administration's allocation exists); every other command
finds its target reached and emits nothing: designations already recorded for that deadline,
the same pledge, a tranche already due or paid, an allocation already frozen or not frozen.
That also makes the reactions' commands (MarkTrancheDue, FreezeAllocation) idempotent by
state, whatever their request ids.
"""
from __future__ import annotations

from datetime import date
from uuid import UUID

from shared.contracts.funding import (
    AllocationFrozen,
    AllocationUnfrozen,
    CoFundingPledged,
    DesignationsRecorded,
    GrantAwarded,
    GrantEvent,
    ShareAllocated,
    TrancheDisbursed,
    Tranche,
    TrancheFellDue,
    co_funding,
    grant_id_for,
    tranche_split,
)
from shared.contracts.membership import MemberStatus
from shared.domain.errors import AlreadyExists, InvalidArgument, NotFound, PreconditionFailed
from shared.domain.fields import Money
from services.funding.domain.commands import (
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    GrantCommand,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
    UnfreezeAllocation,
)
from services.funding.domain.facts import Administration, WithAdministration
from services.funding.domain.state import AllocationState, GrantState

Decidable = GrantCommand | WithAdministration


class NothingToFreeze(PreconditionFailed):
    """The allocation is fully disbursed: a departure freezes nothing (the reaction expects it)."""


def decide(state: GrantState | None, command: Decidable) -> list[GrantEvent]:
    """Input is validated first (all bad fields at once), then checked against the state."""
    match command:
        case AwardGrant():
            return _award(state, command)
        case RecordDesignationsDue():
            return _record_designations(_grant(state, command.grant_id), command)
        case WithAdministration():
            return _allocate(_grant(state, command.command.grant_id), command.command, command.administration)
        case AllocateShare():
            raise TypeError("an allocation is decided with its administration's facts: WithAdministration(...)")
        case PledgeCoFunding():
            return _pledge(_grant(state, command.grant_id), command)
        case MarkTrancheDue():
            return _mark_due(_grant(state, command.grant_id), command)
        case DisburseTranche():
            return _disburse(_grant(state, command.grant_id), command)
        case FreezeAllocation():
            return _freeze(_grant(state, command.grant_id), command)
        case UnfreezeAllocation():
            return _unfreeze(_grant(state, command.grant_id), command)
    raise TypeError(f"not a funding command: {type(command).__name__}")


def award_grant_id(command: AwardGrant) -> UUID:
    """The stream an award targets (so the caller can address it before deciding)."""
    return grant_id_for(command.funder, command.awarded_on)


# --- reading the state ----------------------------------------------------------------------


def _grant(state: GrantState | None, grant_id: UUID) -> GrantState:
    if state is None:
        raise NotFound(f"grant {grant_id} not found")
    return state


def _allocation(grant: GrantState, member_id: UUID) -> AllocationState:
    allocation = grant.allocations.get(member_id)
    if allocation is None:
        raise NotFound(f"administration {member_id} has no allocation under grant {grant.grant_id}")
    return allocation


def _money(grant: GrantState, cents: int) -> Money:
    return Money.of(cents, grant.currency)


def _in_grant_currency(grant: GrantState, amount: Money, field: str) -> None:
    if amount.currency != grant.currency:
        raise InvalidArgument.of(f"{field}.currency", f"must be the grant's currency, {grant.currency}")


def _remains(grant: GrantState) -> str:
    return f"{_money(grant, grant.remaining)} of {_money(grant, grant.amount)} remains"


# --- deciding -------------------------------------------------------------------------------


def _award(state: GrantState | None, cmd: AwardGrant) -> list[GrantEvent]:
    if state is not None:
        raise AlreadyExists(f"{state.funder} already awarded a grant on {state.awarded_on.isoformat()}")
    return [GrantAwarded(
        grant_id=award_grant_id(cmd), funder=cmd.funder, amount=cmd.amount, awarded_on=cmd.awarded_on,
        administrations=cmd.administrations, funder_share_bp=cmd.funder_share_bp,
        first_tranche_bp=cmd.first_tranche_bp,
    )]


def _record_designations(grant: GrantState, cmd: RecordDesignationsDue) -> list[GrantEvent]:
    recorded = grant.designations.get(cmd.due_by)
    if recorded is not None:
        if recorded.count == cmd.count:
            return []  # recorded already: a retry changes nothing
        raise PreconditionFailed(f"{recorded.count} designations due by {cmd.due_by.isoformat()} are recorded already")
    if cmd.due_by < grant.awarded_on:
        raise PreconditionFailed(f"due_by: {cmd.due_by.isoformat()} is before the grant's award "
                                 f"({grant.awarded_on.isoformat()})")
    if cmd.count > grant.free_places:
        raise PreconditionFailed(
            f"only {max(grant.free_places, 0)} of the grant's {grant.administrations} administrations are left to "
            f"designate ({len(grant.allocations)} allocated, "
            f"{grant.outstanding_designations} designations outstanding)")
    return [DesignationsRecorded(grant_id=grant.grant_id, count=cmd.count, due_by=cmd.due_by)]


def _allocate(grant: GrantState, cmd: AllocateShare, administration: Administration) -> list[GrantEvent]:
    existing = grant.allocations.get(cmd.member_id)
    if existing is not None:
        raise AlreadyExists(f"{existing.administration} already has an allocation of "
                            f"{_money(grant, existing.amount)} under this grant")
    _in_grant_currency(grant, cmd.amount, "amount")
    if cmd.allocated_on < grant.awarded_on:
        raise PreconditionFailed(f"allocated_on: {cmd.allocated_on.isoformat()} is before the grant's award "
                                 f"({grant.awarded_on.isoformat()})")
    _active_member(administration)
    if len(grant.allocations) >= grant.administrations:
        raise PreconditionFailed(f"the grant funds {grant.administrations} administrations and each has an "
                                 f"allocation; {_remains(grant)}")
    if cmd.amount.amount_cents > grant.remaining:
        raise PreconditionFailed(f"allocating {cmd.amount} would take allocations past the grant's amount: "
                                 f"{_remains(grant)}")
    split = co_funding(cmd.amount, grant.funder_share_bp)
    tranches = tranche_split(cmd.amount, grant.first_tranche_bp)
    allocated = ShareAllocated(
        grant_id=grant.grant_id, member_id=cmd.member_id, administration=administration.name or "",
        amount=cmd.amount, allocated_on=cmd.allocated_on, cost=split.cost, local_part=split.local_part,
        funder_share_bp=grant.funder_share_bp, first_tranche=tranches[Tranche.FIRST],
        final_tranche=tranches[Tranche.FINAL],
        allocated_total=_money(grant, grant.allocated + cmd.amount.amount_cents),
        closes_designation_due_by=_designation_closed(grant),
    )
    return [allocated, *_already_due(allocated, administration)]


def _active_member(administration: Administration) -> None:
    who = administration.name or f"administration {administration.member_id}"
    match administration.status:
        case MemberStatus.ACTIVE:
            return
        case MemberStatus.SUSPENDED:
            raise PreconditionFailed(f"{who} is suspended from the association: only an active member is funded")
        case MemberStatus.LEFT:
            raise PreconditionFailed(f"{who} has left the association: only an active member is funded")
    raise PreconditionFailed(f"{who} is not a member of the association: only an active member is funded")


def _designation_closed(grant: GrantState) -> date | None:
    """A free place is taken first; else the allocation closes the designation due soonest."""
    if grant.free_places > 0:
        return None
    return min((d for d, s in grant.designations.items() if s.outstanding > 0), default=None)


def _already_due(allocated: ShareAllocated, administration: Administration) -> list[GrantEvent]:
    """Tranches that the administration's cohort made due before the allocation was recorded:
    due with it, on the day of the allocation (nothing falls due before it is allocated)."""
    due = []
    for tranche, on, amount in ((Tranche.FIRST, administration.cohort_started_on, allocated.first_tranche),
                                (Tranche.FINAL, administration.cohort_completed_on, allocated.final_tranche)):
        if on is not None:
            due.append(TrancheFellDue(grant_id=allocated.grant_id, member_id=allocated.member_id, tranche=tranche,
                                      amount=amount, due_on=max(on, allocated.allocated_on),
                                      cohort_id=administration.cohort_id))
    return due


def _pledge(grant: GrantState, cmd: PledgeCoFunding) -> list[GrantEvent]:
    allocation = _allocation(grant, cmd.member_id)
    local_part = _money(grant, allocation.local_part)
    pledged = cmd.amount if cmd.amount is not None else local_part
    _in_grant_currency(grant, pledged, "amount")
    if pledged.amount_cents == allocation.pledged:
        return []  # this pledge stands already
    if pledged < local_part:
        raise PreconditionFailed(f"a pledge of {pledged} does not cover the local part of the cost: {local_part} "
                                 f"of {_money(grant, allocation.cost)}")
    return [CoFundingPledged(grant_id=grant.grant_id, member_id=cmd.member_id, pledged=pledged,
                             local_part=local_part, pledged_on=cmd.pledged_on)]


def _mark_due(grant: GrantState, cmd: MarkTrancheDue) -> list[GrantEvent]:
    allocation = _allocation(grant, cmd.member_id)
    tranche = allocation.tranches[cmd.tranche]
    if tranche.due_on is not None:
        return []  # fell due already: a cohort event seen twice changes nothing
    # Never before the allocation: a cohort that started before the grant makes it due from then.
    due_on = max(cmd.due_on, allocation.allocated_on)
    return [TrancheFellDue(grant_id=grant.grant_id, member_id=cmd.member_id, tranche=cmd.tranche,
                           amount=_money(grant, tranche.amount), due_on=due_on, cohort_id=cmd.cohort_id)]


def _disburse(grant: GrantState, cmd: DisburseTranche) -> list[GrantEvent]:
    allocation = _allocation(grant, cmd.member_id)
    tranche = allocation.tranches[cmd.tranche]
    if tranche.disbursed_on is not None:
        return []  # paid already
    if allocation.frozen:
        raise PreconditionFailed(f"the allocation is frozen ({allocation.frozen_reason}): it disburses nothing")
    if tranche.due_on is None:
        raise PreconditionFailed(f"the {cmd.tranche.value} tranche has not fallen due")
    if cmd.disbursed_on < allocation.allocated_on:
        raise PreconditionFailed(f"disbursed_on: {cmd.disbursed_on.isoformat()} is before the allocation "
                                 f"({allocation.allocated_on.isoformat()})")
    if tranche.amount > allocation.undisbursed:  # cannot happen: the tranches add up to the allocation
        raise PreconditionFailed(f"only {_money(grant, allocation.undisbursed)} of the allocation is undisbursed")
    return [TrancheDisbursed(grant_id=grant.grant_id, member_id=cmd.member_id, tranche=cmd.tranche,
                             amount=_money(grant, tranche.amount), disbursed_on=cmd.disbursed_on,
                             disbursed_total=_money(grant, allocation.disbursed + tranche.amount))]


def _freeze(grant: GrantState, cmd: FreezeAllocation) -> list[GrantEvent]:
    allocation = _allocation(grant, cmd.member_id)
    if allocation.frozen:
        return []  # frozen already: a departure seen twice changes nothing
    if allocation.undisbursed == 0:
        raise NothingToFreeze("the allocation is fully disbursed: nothing is left to freeze")
    return [AllocationFrozen(grant_id=grant.grant_id, member_id=cmd.member_id, reason=cmd.reason, frozen_on=cmd.on,
                             frozen_amount=_money(grant, allocation.undisbursed))]


def _unfreeze(grant: GrantState, cmd: UnfreezeAllocation) -> list[GrantEvent]:
    allocation = _allocation(grant, cmd.member_id)
    if not allocation.frozen:
        return []
    return [AllocationUnfrozen(grant_id=grant.grant_id, member_id=cmd.member_id, reason=cmd.reason,
                               unfrozen_on=cmd.on, released_amount=_money(grant, allocation.frozen_amount))]
