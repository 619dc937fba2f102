"""Commands the grant decider accepts: pydantic models built from field-rule types.

Building one validates every field at once; the decider then checks the rules that need the
grant's state. Business dates come in as fields: the domain has no clock.
"""
from __future__ import annotations

from uuid import UUID

from shared.contracts.funding import DEFAULT_FIRST_TRANCHE_BP, Tranche
from shared.domain.fields import BusinessDate, Command, Reason, enum_text
from services.funding.domain.fields import Administrations, Amount, FirstTrancheShare, FunderName, FunderShare

TrancheField = enum_text(Tranche)


class AwardGrant(Command):
    effective = "awarded_on"

    funder: FunderName
    amount: Amount
    awarded_on: BusinessDate
    administrations: Administrations
    funder_share_bp: FunderShare
    first_tranche_bp: FirstTrancheShare = DEFAULT_FIRST_TRANCHE_BP


class RecordDesignationsDue(Command):
    """``count`` administrations are still to be designated by ``due_by`` (one record per deadline)."""

    grant_id: UUID
    count: Administrations
    due_by: BusinessDate


class AllocateShare(Command):
    """Decided together with what funding knows of the administration: see facts.WithAdministration."""

    effective = "allocated_on"

    grant_id: UUID
    member_id: UUID
    amount: Amount
    allocated_on: BusinessDate


class PledgeCoFunding(Command):
    """``amount`` None pledges exactly the local part of the cost."""

    effective = "pledged_on"

    grant_id: UUID
    member_id: UUID
    pledged_on: BusinessDate
    amount: Amount | None = None


class MarkTrancheDue(Command):
    """The cohort-started and cohort-completed reactions send this (and operators may)."""

    effective = "due_on"

    grant_id: UUID
    member_id: UUID
    tranche: TrancheField
    due_on: BusinessDate
    cohort_id: UUID | None = None


class DisburseTranche(Command):
    effective = "disbursed_on"

    grant_id: UUID
    member_id: UUID
    tranche: TrancheField
    disbursed_on: BusinessDate


class FreezeAllocation(Command):
    """Freezes what has not been disbursed; the member-left reaction sends this too."""

    effective = "on"

    grant_id: UUID
    member_id: UUID
    reason: Reason
    on: BusinessDate


class UnfreezeAllocation(Command):
    effective = "on"

    grant_id: UUID
    member_id: UUID
    reason: Reason
    on: BusinessDate


GrantCommand = (
    AwardGrant | RecordDesignationsDue | AllocateShare | PledgeCoFunding | MarkTrancheDue | DisburseTranche
    | FreezeAllocation | UnfreezeAllocation
)
