"""Funding's public events: the only funding module other services may import.

Everything that happens to a grant is one stream, ``funding.Grant``, whose id is the grant
id: its allocations, designations, pledges, tranches and freezes live on it, so that the
rules that must hold under concurrency (allocations never exceed the grant, one allocation per
administration) are checked on one stream version. Every event carries ``grant_id``; every
event about one administration's allocation also carries its ``member_id`` (membership's
member id in the association scheme), so a consumer can react to one event without folding.

Money is ``shared.domain.fields.Money``: integer cents and an explicit currency, never a
float. Every amount of a grant is in the grant's currency.

Grant id
--------
``grant_id = uuid5(GRANT_ID_NAMESPACE, f"{normalise_name(funder)}:{awarded_on.isoformat()}")``:
deterministic, so awarding the same grant twice (even in racing requests) targets one stream
and the second is refused. One funder's grants awarded on the same day are therefore one
grant. Changing the namespace or the key would orphan every stored stream.

Co-funding arithmetic (the rounding rule)
-----------------------------------------
The funder pays ``funder_share_bp`` basis points of each lab's cost (4500 = 45%); the
administration pays the rest. For an allocation of ``A`` cents:

* ``cost = A * 10000 / funder_share_bp``, rounded to the cent, **half to even** (banker's
  rounding: a result exactly halfway between two cents goes to the even one), computed on
  integers, never floats;
* ``funder_part = A`` (the allocation is what the funder pays);
* ``local_part = cost - A``.

So ``funder_part + local_part == cost`` exactly, always, and the cost is the whole-cent
amount nearest to ``A / share``. The article's figures: EUR 86,000.00 at 45% gives a cost of
EUR 191,111.11 (19,111,111.11 cents rounded) and a local part of EUR 105,111.11. See
:func:`co_funding`.

Tranches
--------
An allocation is paid in two tranches, fixed when it is made: the **first** falls due when
the administration's cohort starts, the **final** when it completes. The first is
``first_tranche_bp`` basis points of the allocation (a term of the grant, 5000 = half by
default), rounded to the cent half to even; the final is the rest, so the two always add up
to the allocation exactly (see :func:`tranche_split`). A tranche is paid whole, once, after it
has fallen due and while the allocation is not frozen.

Freezing an allocation freezes what has not been disbursed (``frozen_amount = allocation -
disbursed``); a frozen allocation disburses nothing until it is unfrozen.

Designations
------------
A grant may fund administrations that are still to be chosen ("five more are to be
designated by 2019"): ``DesignationsRecorded`` says how many are due by a deadline. Each
allocation made takes a place of the grant's ``administrations``; it takes a free place
first, and only when every place left is held by an outstanding designation does it close
one: the designation due soonest (``ShareAllocated.closes_designation_due_by``).
"""
from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import ClassVar, NamedTuple

from shared.contracts.membership import normalise_name
from shared.domain.fields import Money
from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

STREAM_TYPE = "funding.Grant"
GRANT_ID_NAMESPACE = uuid.UUID("3d1f5b7a-27e0-5f0d-8a6c-45e55e27e27e")
BASIS_POINTS = 10_000  # 100%
DEFAULT_FIRST_TRANCHE_BP = 5_000


class Tranche(str, Enum):
    FIRST = "first"  # due when the administration's cohort starts
    FINAL = "final"  # due when it completes


class TrancheStatus(str, Enum):
    """Where a tranche stands, as read models show it."""

    SCHEDULED = "scheduled"
    DUE = "due"
    DISBURSED = "disbursed"


def grant_id_for(funder: str, awarded_on: date) -> uuid.UUID:
    return uuid.uuid5(GRANT_ID_NAMESPACE, f"{normalise_name(funder)}:{awarded_on.isoformat()}")


# --- the arithmetic -----------------------------------------------------------------------


def divide_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to an integer, ties to even (``denominator > 0``)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


class CoFunding(NamedTuple):
    cost: Money
    funder_part: Money
    local_part: Money


def co_funding(allocation: Money, funder_share_bp: int) -> CoFunding:
    """The cost of one lab and its two parts, by the rule above (``0 < funder_share_bp <= 10000``)."""
    cost = divide_half_even(allocation.amount_cents * BASIS_POINTS, funder_share_bp)
    currency = allocation.currency
    return CoFunding(Money.of(cost, currency), allocation, Money.of(cost - allocation.amount_cents, currency))


def tranche_split(allocation: Money, first_tranche_bp: int) -> dict[Tranche, Money]:
    """The first and final tranches of an allocation; they add up to it exactly."""
    first = divide_half_even(allocation.amount_cents * first_tranche_bp, BASIS_POINTS)
    return {Tranche.FIRST: Money.of(first, allocation.currency),
            Tranche.FINAL: Money.of(allocation.amount_cents - first, allocation.currency)}


# --- events -------------------------------------------------------------------------------


class GrantEvent(DomainEvent):
    grant_id: uuid.UUID


class AllocationEvent(GrantEvent):
    """An event about one administration's allocation under the grant."""

    member_id: uuid.UUID


class GrantAwarded(GrantEvent):
    event_type: ClassVar[str] = "funding.GrantAwarded"

    funder: str
    amount: Money
    awarded_on: date
    administrations: int  # how many administrations the grant funds
    funder_share_bp: int  # the funder's share of each lab's cost, 4500 = 45%
    first_tranche_bp: int  # the first tranche's share of each allocation


class DesignationsRecorded(GrantEvent):
    """``count`` administrations are still to be designated by ``due_by``."""

    event_type: ClassVar[str] = "funding.DesignationsRecorded"

    count: int
    due_by: date


class ShareAllocated(AllocationEvent):
    """The grant's share for one administration, with its co-funding split and tranches."""

    event_type: ClassVar[str] = "funding.ShareAllocated"

    administration: str  # its name, as funding's view of membership knew it
    amount: Money  # the allocation: the funder's part
    allocated_on: date
    cost: Money  # co_funding(amount, funder_share_bp)
    local_part: Money
    funder_share_bp: int
    first_tranche: Money  # tranche_split(amount, first_tranche_bp)
    final_tranche: Money
    allocated_total: Money  # every allocation of the grant, this one included
    closes_designation_due_by: date | None = None  # the designation this allocation made


class CoFundingPledged(AllocationEvent):
    """The administration's pledge for the rest of the cost (a later pledge replaces it)."""

    event_type: ClassVar[str] = "funding.CoFundingPledged"

    pledged: Money
    local_part: Money  # what the pledge must cover
    pledged_on: date


class TrancheFellDue(AllocationEvent):
    event_type: ClassVar[str] = "funding.TrancheFellDue"

    tranche: Tranche
    amount: Money
    due_on: date
    cohort_id: uuid.UUID | None = None  # the cohort whose start or completion made it due


class TrancheDisbursed(AllocationEvent):
    event_type: ClassVar[str] = "funding.TrancheDisbursed"

    tranche: Tranche
    amount: Money
    disbursed_on: date
    disbursed_total: Money  # of this allocation, this tranche included


class AllocationFrozen(AllocationEvent):
    event_type: ClassVar[str] = "funding.AllocationFrozen"

    reason: str
    frozen_on: date
    frozen_amount: Money  # what had not been disbursed


class AllocationUnfrozen(AllocationEvent):
    event_type: ClassVar[str] = "funding.AllocationUnfrozen"

    reason: str
    unfrozen_on: date
    released_amount: Money  # what the freeze held, disbursable again


FUNDING_EVENTS: tuple[type[GrantEvent], ...] = (
    GrantAwarded,
    DesignationsRecorded,
    ShareAllocated,
    CoFundingPledged,
    TrancheFellDue,
    TrancheDisbursed,
    AllocationFrozen,
    AllocationUnfrozen,
)


def funding_registry() -> EventRegistry:
    """A fresh registry of every funding event (all at their first schema version)."""
    return EventRegistry(FUNDING_EVENTS)
