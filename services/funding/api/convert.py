"""proto <-> domain values for funding; the general conversions are shared.grpc.api's.

Every amount leaves as the common Money (integer cents and the grant's currency).
"""
from __future__ import annotations

import asyncpg

from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as pb
from shared.application.paging import Page
from shared.contracts.funding import Tranche, TrancheStatus
from shared.grpc.api import date_proto, enum_value
from services.funding.application.queries import AdministrationFunding, GrantLedger


def money(cents: int | None, currency: str) -> common_pb2.Money | None:
    return None if cents is None else common_pb2.Money(amount_cents=cents, currency=currency)


def page_proto(page: Page) -> common_pb2.PageResponse:
    return common_pb2.PageResponse(next_page_token=page.next_page_token, total_size=page.total_size)


def grant_to_proto(ledger: GrantLedger) -> pb.GrantLedger:
    g, currency = ledger.grant, ledger.grant["currency"]
    return pb.GrantLedger(
        grant_id=str(g["grant_id"]), funder=g["funder"], awarded=money(g["awarded_cents"], currency),
        awarded_on=date_proto(g["awarded_on"]), administrations=g["administrations"],
        funder_share_bp=g["funder_share_bp"], first_tranche_bp=g["first_tranche_bp"],
        allocated=money(g["allocated_cents"], currency), disbursed=money(g["disbursed_cents"], currency),
        frozen=money(g["frozen_cents"], currency), remaining=money(g["remaining_cents"], currency),
        allocation_count=g["allocation_count"], version=g["version"],
        designations_outstanding=[pb.Designation(due_by=date_proto(d["due_by"]), count=d["count"],
                                                 outstanding=d["outstanding"]) for d in ledger.designations],
    )


def _tranches(a: asyncpg.Record, fell_due: list[asyncpg.Record]) -> list[pb.TrancheInfo]:
    """Both tranches, first then final: a tranche without a row has not fallen due (scheduled)."""
    rows = {t["tranche"]: t for t in fell_due}
    out = []
    for tranche in (Tranche.FIRST, Tranche.FINAL):
        row = rows.get(tranche.value)
        amount = row["amount_cents"] if row else a[f"{tranche.value}_tranche_cents"]
        out.append(pb.TrancheInfo(
            tranche=enum_value(pb.Tranche, tranche), amount=money(amount, a["currency"]),
            status=enum_value(pb.TrancheStatus, row["status"] if row else TrancheStatus.SCHEDULED),
            due_on=date_proto(row and row["due_on"]), disbursed_on=date_proto(row and row["disbursed_on"]),
            cohort_id=str(row["cohort_id"]) if row and row["cohort_id"] else ""))
    return out


def allocation_to_proto(funding: AdministrationFunding) -> pb.Allocation:
    a, currency = funding.allocation, funding.allocation["currency"]
    return pb.Allocation(
        grant_id=str(a["grant_id"]), funder=a["funder"], member_id=str(a["member_id"]),
        administration=a["administration"], funder_part=money(a["allocation_cents"], currency),
        local_part=money(a["local_part_cents"], currency), cost=money(a["cost_cents"], currency),
        funder_share_bp=a["funder_share_bp"], allocated_on=date_proto(a["allocated_on"]),
        pledged=money(a["pledged_cents"], currency), pledged_on=date_proto(a["pledged_on"]),
        disbursed=money(a["disbursed_cents"], currency),
        due=money(sum(t["amount_cents"] for t in funding.due), currency),
        frozen=a["frozen_cents"] is not None, frozen_amount=money(a["frozen_cents"], currency),
        frozen_reason=a["frozen_reason"] or "", frozen_on=date_proto(a["frozen_on"]),
        tranches=_tranches(a, funding.tranches),
    )


def tranche_due_to_proto(row: asyncpg.Record) -> pb.TrancheDue:
    return pb.TrancheDue(
        grant_id=str(row["grant_id"]), funder=row["funder"], member_id=str(row["member_id"]),
        administration=row["administration"], tranche=enum_value(pb.Tranche, row["tranche"]),
        amount=money(row["amount_cents"], row["currency"]), due_on=date_proto(row["due_on"]),
        cohort_id=str(row["cohort_id"]) if row["cohort_id"] else "",
        frozen=row["frozen_cents"] is not None, frozen_reason=row["frozen_reason"] or "",
    )
