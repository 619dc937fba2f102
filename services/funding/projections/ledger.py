"""The funding ledger: grants, their designations, allocations and tranches, one row each.

Declared once (shared.projections.readmodel). Its queries (application/queries.py) are the
three views the programme reads:
- the grant ledger: a grant's row with its totals (allocated, disbursed, frozen, remaining)
  summed over its allocations' rows, and its designations outstanding with their deadline;
- funding per administration: an allocation's row (funder part, local part, pledged,
  disbursed, its two tranches' amounts) with the rows of its tranches that fell due;
- tranches due across grants: the tranches rows whose status is ``due``.

A tranche has a row from when it falls due; until then the allocation's row holds both
tranches' amounts (the API shows a tranche without a row as scheduled).
"""
from __future__ import annotations

from shared.contracts.funding import (
    AllocationFrozen,
    AllocationUnfrozen,
    CoFundingPledged,
    DesignationsRecorded,
    GrantAwarded,
    ShareAllocated,
    TrancheDisbursed,
    TrancheFellDue,
    TrancheStatus,
    funding_registry,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

grants = Table("grants", key="grant_id")
designations = Table("designations", key=("grant_id", "due_by"))
allocations = Table("allocations", key=("grant_id", "member_id"))
tranches = Table("tranches", key=("grant_id", "member_id", "tranche"))


# --- grants ---------------------------------------------------------------------------------


@grants.on(GrantAwarded)
def awarded(row: Row | None, e: GrantAwarded, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    return {
        "grant_id": e.grant_id, "funder": e.funder, "currency": e.amount.currency,
        "awarded_cents": e.amount.amount_cents, "awarded_on": e.awarded_on, "administrations": e.administrations,
        "funder_share_bp": e.funder_share_bp, "first_tranche_bp": e.first_tranche_bp,
        "version": meta.version, "position": meta.position,
    }


@grants.on(DesignationsRecorded, ShareAllocated, CoFundingPledged, TrancheFellDue, TrancheDisbursed,
           AllocationFrozen, AllocationUnfrozen)
def grant_changed(row: Row | None, e: object, meta: EventMeta) -> Row | None:
    """Every event is on the grant's stream: its row keeps the version a client may expect."""
    return row and {**row, "version": meta.version, "position": meta.position}


# --- designations ---------------------------------------------------------------------------


@designations.on(DesignationsRecorded)
def designations_recorded(row: Row | None, e: DesignationsRecorded, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    return {"grant_id": e.grant_id, "due_by": e.due_by, "count": e.count, "outstanding": e.count}


def _designation_closed(e: ShareAllocated, meta: EventMeta) -> list:
    return [(e.grant_id, e.closes_designation_due_by)] if e.closes_designation_due_by else []


@designations.on(ShareAllocated, key=_designation_closed)
def designation_closed(row: Row | None, e: ShareAllocated, meta: EventMeta) -> Row | None:
    return row and {**row, "outstanding": max(row["outstanding"] - 1, 0)}


# --- allocations ----------------------------------------------------------------------------


@allocations.on(ShareAllocated)
def allocated(row: Row | None, e: ShareAllocated, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    return {
        "grant_id": e.grant_id, "member_id": e.member_id, "administration": e.administration,
        "currency": e.amount.currency, "allocation_cents": e.amount.amount_cents,
        "cost_cents": e.cost.amount_cents, "local_part_cents": e.local_part.amount_cents,
        "funder_share_bp": e.funder_share_bp, "allocated_on": e.allocated_on,
        "first_tranche_cents": e.first_tranche.amount_cents, "final_tranche_cents": e.final_tranche.amount_cents,
        "pledged_cents": None, "pledged_on": None, "disbursed_cents": 0,
        "frozen_cents": None, "frozen_reason": None, "frozen_on": None,
    }


@allocations.on(CoFundingPledged)
def pledged(row: Row | None, e: CoFundingPledged, meta: EventMeta) -> Row | None:
    return row and {**row, "pledged_cents": e.pledged.amount_cents, "pledged_on": e.pledged_on}


@allocations.on(TrancheDisbursed)
def allocation_disbursed(row: Row | None, e: TrancheDisbursed, meta: EventMeta) -> Row | None:
    return row and {**row, "disbursed_cents": e.disbursed_total.amount_cents}


@allocations.on(AllocationFrozen)
def frozen(row: Row | None, e: AllocationFrozen, meta: EventMeta) -> Row | None:
    return row and {**row, "frozen_cents": e.frozen_amount.amount_cents, "frozen_reason": e.reason,
                    "frozen_on": e.frozen_on}


@allocations.on(AllocationUnfrozen)
def unfrozen(row: Row | None, e: AllocationUnfrozen, meta: EventMeta) -> Row | None:
    return row and {**row, "frozen_cents": None, "frozen_reason": None, "frozen_on": None}


# --- tranches -------------------------------------------------------------------------------


def _one_tranche(e: TrancheFellDue | TrancheDisbursed, meta: EventMeta) -> tuple:
    return (e.grant_id, e.member_id, e.tranche.value)


@tranches.on(TrancheFellDue, key=_one_tranche)
def tranche_due(row: Row | None, e: TrancheFellDue, meta: EventMeta) -> Row | None:
    """A tranche gets its row when it falls due; until then the allocation's row holds its amount."""
    if row is not None:
        return row
    return {"grant_id": e.grant_id, "member_id": e.member_id, "tranche": e.tranche.value,
            "currency": e.amount.currency, "amount_cents": e.amount.amount_cents,
            "status": TrancheStatus.DUE.value, "due_on": e.due_on, "cohort_id": e.cohort_id, "disbursed_on": None}


@tranches.on(TrancheDisbursed, key=_one_tranche)
def tranche_disbursed(row: Row | None, e: TrancheDisbursed, meta: EventMeta) -> Row | None:
    return row and {**row, "status": TrancheStatus.DISBURSED.value, "disbursed_on": e.disbursed_on}


FUNDING_LEDGER = ReadModel(
    name="funding_ledger",
    ddl=sql("001_funding_ledger.sql", __file__),
    sources={events_topic("funding"): funding_registry()},
    tables=(grants, designations, allocations, tranches),
)
