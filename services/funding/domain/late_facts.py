"""What to do when an outside fact arrives while an allocation is being made.

An allocation is decided with what the local views say of its administration (facts.py);
the reactions act on the allocations the ledger holds. Between the two there is a window:
a lab starts (or the member leaves) after the allocation read the views but before it was
stored, and the reaction to that event, looking for allocations, does not find it yet. So
once the allocation is stored the views are read again: whatever they learned in between
gets the command the reaction would have issued. Either the second read sees the fact, or
the view applied it after the allocation was stored, and then the reaction (which runs after
the view applied its event, and reads the ledger once it holds the store) sees the
allocation. Every command here is idempotent by state, so doing it on both paths is harmless.
"""
from __future__ import annotations

from shared.contracts.funding import Tranche
from shared.contracts.membership import MemberStatus
from services.funding.domain.commands import AllocateShare, FreezeAllocation, GrantCommand, MarkTrancheDue
from services.funding.domain.facts import Administration

LEFT_THE_ASSOCIATION = "left the association"


def learned_since(allocation: AllocateShare, decided_with: Administration, now: Administration) -> list[GrantCommand]:
    """The commands for what ``now`` knows and ``decided_with`` did not (empty: nothing new)."""
    ids = {"grant_id": allocation.grant_id, "member_id": allocation.member_id}
    out: list[GrantCommand] = []
    if now.cohort_started_on and not decided_with.cohort_started_on:
        out.append(MarkTrancheDue(**ids, tranche=Tranche.FIRST, due_on=now.cohort_started_on, cohort_id=now.cohort_id))
    if now.cohort_completed_on and not decided_with.cohort_completed_on:
        out.append(MarkTrancheDue(**ids, tranche=Tranche.FINAL, due_on=now.cohort_completed_on,
                                  cohort_id=now.cohort_id))
    if now.status is MemberStatus.LEFT and decided_with.status is not MemberStatus.LEFT:
        out.append(FreezeAllocation(**ids, reason=LEFT_THE_ASSOCIATION,
                                    on=max(now.status_since or allocation.allocated_on, allocation.allocated_on)))
    return out
