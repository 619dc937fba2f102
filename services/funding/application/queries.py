"""Queries over the funding ledger read model (never the event store).

Totals are sums over the allocations' rows, computed when asked: allocated, disbursed and
frozen are never stored twice, and remaining is the grant's amount less what is allocated.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from shared.application.paging import Page, cut, decode_page_token, page_size
from shared.contracts.funding import TrancheStatus
from shared.domain.errors import NotFound
from services.funding.projections.ledger import FUNDING_LEDGER

SCHEMA = FUNDING_LEDGER.name

_LEDGER = f"""
    SELECT g.*, count(a.member_id) AS allocation_count,
           coalesce(sum(a.allocation_cents), 0)::bigint AS allocated_cents,
           coalesce(sum(a.disbursed_cents), 0)::bigint AS disbursed_cents,
           coalesce(sum(a.frozen_cents), 0)::bigint AS frozen_cents,
           g.awarded_cents - coalesce(sum(a.allocation_cents), 0)::bigint AS remaining_cents
    FROM {SCHEMA}.grants g LEFT JOIN {SCHEMA}.allocations a ON a.grant_id = g.grant_id"""


@dataclass(frozen=True)
class GrantLedger:
    """A grant with its totals (columns ``*_cents``) and its designations outstanding."""

    grant: asyncpg.Record
    designations: list[asyncpg.Record]  # (due_by, count, outstanding), outstanding > 0, soonest first


@dataclass(frozen=True)
class AdministrationFunding:
    """One allocation (its funder and local parts, pledged, disbursed) and its tranches' rows."""

    allocation: asyncpg.Record
    tranches: list[asyncpg.Record]  # those that fell due: status due or disbursed

    @property
    def due(self) -> list[asyncpg.Record]:
        return [t for t in self.tranches if t["status"] == TrancheStatus.DUE.value]


async def _designations(pool: asyncpg.Pool, grant_ids: Sequence[UUID]) -> dict[UUID, list[asyncpg.Record]]:
    rows = await pool.fetch(f"SELECT * FROM {SCHEMA}.designations WHERE grant_id = ANY($1::uuid[]) "
                            "AND outstanding > 0 ORDER BY grant_id, due_by", list(grant_ids))
    out: dict[UUID, list[asyncpg.Record]] = {g: [] for g in grant_ids}
    for row in rows:
        out[row["grant_id"]].append(row)
    return out


async def get_grant(pool: asyncpg.Pool, grant_id: UUID) -> GrantLedger:
    row = await pool.fetchrow(f"{_LEDGER} WHERE g.grant_id = $1 GROUP BY g.grant_id", grant_id)
    if row is None:
        raise NotFound(f"grant {grant_id} not found")
    return GrantLedger(row, (await _designations(pool, [grant_id]))[grant_id])


async def list_grants(pool: asyncpg.Pool, requested_size: int = 0, page_token: str = "") -> Page:
    """Every grant's ledger, in award order (keyset paging on award date, grant id)."""
    size = page_size(requested_size)
    where, args = "TRUE", []
    if page_token:
        args = decode_page_token(page_token, date.fromisoformat, UUID)
        where = "(g.awarded_on, g.grant_id) > ($1, $2)"
    total = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.grants")
    rows = await pool.fetch(f"{_LEDGER} WHERE {where} GROUP BY g.grant_id ORDER BY g.awarded_on, g.grant_id "
                            f"LIMIT {size + 1}", *args)
    page = cut(rows, size, lambda r: (r["awarded_on"], r["grant_id"]), total)
    designations = await _designations(pool, [r["grant_id"] for r in page.rows])
    return Page([GrantLedger(r, designations[r["grant_id"]]) for r in page.rows], page.next_page_token,
                page.total_size)


_ALLOCATION = f"""
    SELECT a.*, g.funder FROM {SCHEMA}.allocations a JOIN {SCHEMA}.grants g ON g.grant_id = a.grant_id"""


async def _with_tranches(pool: asyncpg.Pool, rows: Sequence[asyncpg.Record]) -> list[AdministrationFunding]:
    keys = [(r["grant_id"], r["member_id"]) for r in rows]
    tranches = await pool.fetch(
        f"SELECT t.* FROM {SCHEMA}.tranches t JOIN unnest($1::uuid[], $2::uuid[]) AS k(grant_id, member_id) "
        "ON t.grant_id = k.grant_id AND t.member_id = k.member_id ORDER BY t.due_on, t.tranche",
        [k[0] for k in keys], [k[1] for k in keys])
    by_key: dict[tuple[UUID, UUID], list[asyncpg.Record]] = {k: [] for k in keys}
    for t in tranches:
        by_key[(t["grant_id"], t["member_id"])].append(t)
    return [AdministrationFunding(r, by_key[(r["grant_id"], r["member_id"])]) for r in rows]


async def administration_funding(pool: asyncpg.Pool, member_id: UUID) -> list[AdministrationFunding]:
    """Everything one administration receives, grant by grant (in award order)."""
    rows = await pool.fetch(f"{_ALLOCATION} WHERE a.member_id = $1 ORDER BY g.awarded_on, a.grant_id", member_id)
    return await _with_tranches(pool, rows)


async def get_allocation(pool: asyncpg.Pool, grant_id: UUID, member_id: UUID) -> AdministrationFunding:
    row = await pool.fetchrow(f"{_ALLOCATION} WHERE a.grant_id = $1 AND a.member_id = $2", grant_id, member_id)
    if row is None:
        raise NotFound(f"administration {member_id} has no allocation under grant {grant_id}")
    return (await _with_tranches(pool, [row]))[0]


async def list_allocations(pool: asyncpg.Pool, grant_id: UUID, requested_size: int = 0,
                           page_token: str = "") -> Page:
    """A grant's allocations by administration name (keyset paging on name, member id);
    NotFound for a grant the ledger does not hold."""
    size = page_size(requested_size)
    where, args = "a.grant_id = $1", [grant_id]
    total = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.allocations a WHERE {where}", *args)
    if total == 0 and not await pool.fetchval(f"SELECT TRUE FROM {SCHEMA}.grants WHERE grant_id = $1", grant_id):
        raise NotFound(f"grant {grant_id} not found")
    if page_token:
        args += decode_page_token(page_token, str, UUID)
        where += " AND (a.administration, a.member_id) > ($2, $3)"
    rows = await pool.fetch(f"{_ALLOCATION} WHERE {where} ORDER BY a.administration, a.member_id "
                            f"LIMIT {size + 1}", *args)
    page = cut(rows, size, lambda r: (r["administration"], r["member_id"]), total)
    return Page(await _with_tranches(pool, page.rows), page.next_page_token, page.total_size)


async def list_tranches_due(pool: asyncpg.Pool, due_by: date | None = None, requested_size: int = 0,
                            page_token: str = "") -> Page:
    """Tranches due and not yet disbursed, across grants, soonest first; ``due_by``: only
    those due on or before that day. A frozen allocation's tranche is listed, with its freeze."""
    size = page_size(requested_size)
    clauses, args = ["t.status = $1"], [TrancheStatus.DUE.value]
    if due_by is not None:
        args.append(due_by)
        clauses.append(f"t.due_on <= ${len(args)}")
    where = " AND ".join(clauses)
    total = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.tranches t WHERE {where}", *args)
    if page_token:
        args += decode_page_token(page_token, date.fromisoformat, UUID, UUID, str)
        n = len(args)
        where += f" AND (t.due_on, t.grant_id, t.member_id, t.tranche) > (${n - 3}, ${n - 2}, ${n - 1}, ${n})"
    rows = await pool.fetch(
        f"""SELECT t.*, a.administration, a.frozen_cents, a.frozen_reason, g.funder
            FROM {SCHEMA}.tranches t
            JOIN {SCHEMA}.allocations a ON a.grant_id = t.grant_id AND a.member_id = t.member_id
            JOIN {SCHEMA}.grants g ON g.grant_id = t.grant_id
            WHERE {where} ORDER BY t.due_on, t.grant_id, t.member_id, t.tranche LIMIT {size + 1}""", *args)
    return cut(rows, size, lambda r: (r["due_on"], r["grant_id"], r["member_id"], r["tranche"]), total)


async def allocations_to_act_on(pool: asyncpg.Pool, member_id: UUID) -> list[asyncpg.Record]:
    """What the reactions need of one administration's allocations, grant by grant:
    ``fell_due`` (the tranches that fell due), ``undisbursed_cents`` and ``frozen``."""
    return await pool.fetch(
        f"""SELECT a.grant_id, a.allocation_cents - a.disbursed_cents AS undisbursed_cents,
                   a.frozen_cents IS NOT NULL AS frozen,
                   array(SELECT t.tranche FROM {SCHEMA}.tranches t
                         WHERE t.grant_id = a.grant_id AND t.member_id = a.member_id) AS fell_due
            FROM {SCHEMA}.allocations a WHERE a.member_id = $1 ORDER BY a.grant_id""", member_id)
