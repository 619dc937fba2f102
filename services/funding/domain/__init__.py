"""The funding domain: commands, facts, state and the Grant decider (pure, no I/O)."""
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
from services.funding.domain.evolve import evolve, fold
from services.funding.domain.facts import Administration, WithAdministration
from services.funding.domain.grant import Decidable, NothingToFreeze, award_grant_id, decide
from services.funding.domain.state import AllocationState, DesignationState, GrantState, TrancheState, initial

__all__ = [
    "Administration",
    "AllocateShare",
    "AllocationState",
    "AwardGrant",
    "Decidable",
    "DesignationState",
    "DisburseTranche",
    "FreezeAllocation",
    "GrantCommand",
    "GrantState",
    "MarkTrancheDue",
    "NothingToFreeze",
    "PledgeCoFunding",
    "RecordDesignationsDue",
    "TrancheState",
    "UnfreezeAllocation",
    "WithAdministration",
    "award_grant_id",
    "decide",
    "evolve",
    "fold",
    "initial",
]
