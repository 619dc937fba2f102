"""How a grant's events fold into its state. Total: an event that does not fit the state leaves
it unchanged, never raises (amounts are added as cents, whatever their currency says)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from shared.contracts.funding import (
    AllocationEvent,
    AllocationFrozen,
    AllocationUnfrozen,
    CoFundingPledged,
    DesignationsRecorded,
    GrantAwarded,
    GrantEvent,
    ShareAllocated,
    Tranche,
    TrancheDisbursed,
    TrancheFellDue,
)
from services.funding.domain.state import AllocationState, DesignationState, GrantState, TrancheState, initial


def evolve(state: GrantState | None, event: GrantEvent) -> GrantState | None:
    if state is None:
        return _awarded(event) if isinstance(event, GrantAwarded) else None
    match event:
        case DesignationsRecorded() if event.due_by not in state.designations:
            designation = DesignationState(count=event.count, outstanding=event.count)
            return replace(state, designations={**state.designations, event.due_by: designation})
        case ShareAllocated() if event.member_id not in state.allocations:
            return _allocated(state, event)
        case AllocationEvent() if event.member_id in state.allocations:
            allocation = _allocation_changed(state.allocations[event.member_id], event)
            return replace(state, allocations={**state.allocations, event.member_id: allocation})
    return state


def fold(events: Iterable[GrantEvent], state: GrantState | None = initial) -> GrantState | None:
    for event in events:
        state = evolve(state, event)
    return state


def _awarded(e: GrantAwarded) -> GrantState:
    return GrantState(
        grant_id=e.grant_id, funder=e.funder, currency=e.amount.currency, amount=e.amount.amount_cents,
        awarded_on=e.awarded_on, administrations=e.administrations, funder_share_bp=e.funder_share_bp,
        first_tranche_bp=e.first_tranche_bp,
    )


def _allocated(state: GrantState, e: ShareAllocated) -> GrantState:
    allocation = AllocationState(
        member_id=e.member_id, administration=e.administration, amount=e.amount.amount_cents,
        allocated_on=e.allocated_on, cost=e.cost.amount_cents, local_part=e.local_part.amount_cents,
        tranches={Tranche.FIRST: TrancheState(e.first_tranche.amount_cents),
                  Tranche.FINAL: TrancheState(e.final_tranche.amount_cents)},
    )
    designations = dict(state.designations)
    closed = designations.get(e.closes_designation_due_by) if e.closes_designation_due_by else None
    if closed is not None and closed.outstanding > 0:
        designations[e.closes_designation_due_by] = replace(closed, outstanding=closed.outstanding - 1)
    return replace(state, allocations={**state.allocations, e.member_id: allocation}, designations=designations)


def _allocation_changed(a: AllocationState, e: AllocationEvent) -> AllocationState:
    match e:
        case CoFundingPledged():
            return replace(a, pledged=e.pledged.amount_cents)
        case TrancheFellDue():
            return _tranche(a, e.tranche, due_on=e.due_on)
        case TrancheDisbursed():
            return replace(_tranche(a, e.tranche, disbursed_on=e.disbursed_on),
                           disbursed=a.disbursed + e.amount.amount_cents)
        case AllocationFrozen():
            return replace(a, frozen_amount=e.frozen_amount.amount_cents, frozen_reason=e.reason)
        case AllocationUnfrozen():
            return replace(a, frozen_amount=None, frozen_reason=None)
    return a


def _tranche(a: AllocationState, which: Tranche, **changes: object) -> AllocationState:
    return replace(a, tranches={**a.tranches, which: replace(a.tranches[which], **changes)})

