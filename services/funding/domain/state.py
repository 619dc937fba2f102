"""A grant as the decider sees it: folded from its events, never stored as such.

Amounts are integer cents in the grant's currency (every event of a grant is in it), so the
fold adds integers and can never fail on a currency.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from shared.contracts.funding import Tranche


@dataclass(frozen=True)
class TrancheState:
    amount: int
    due_on: date | None = None
    disbursed_on: date | None = None


@dataclass(frozen=True)
class AllocationState:
    member_id: UUID
    administration: str
    amount: int
    allocated_on: date
    cost: int
    local_part: int
    tranches: Mapping[Tranche, TrancheState]
    pledged: int | None = None
    disbursed: int = 0
    frozen_amount: int | None = None  # None: not frozen
    frozen_reason: str | None = None

    @property
    def frozen(self) -> bool:
        return self.frozen_amount is not None

    @property
    def undisbursed(self) -> int:
        return self.amount - self.disbursed


@dataclass(frozen=True)
class DesignationState:
    count: int  # as recorded
    outstanding: int  # not yet closed by an allocation


@dataclass(frozen=True)
class GrantState:
    grant_id: UUID
    funder: str
    currency: str
    amount: int
    awarded_on: date
    administrations: int
    funder_share_bp: int
    first_tranche_bp: int
    allocations: Mapping[UUID, AllocationState] = field(default_factory=dict)
    designations: Mapping[date, DesignationState] = field(default_factory=dict)  # by deadline

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations.values())

    @property
    def remaining(self) -> int:
        return self.amount - self.allocated

    @property
    def outstanding_designations(self) -> int:
        return sum(d.outstanding for d in self.designations.values())

    @property
    def free_places(self) -> int:
        """Places neither allocated nor held by an outstanding designation."""
        return self.administrations - len(self.allocations) - self.outstanding_designations


# An empty stream: no such grant was awarded.
initial: GrantState | None = None
