"""Queries over the member directory read model (never the event store)."""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from shared.application.paging import Page, cut, decode_page_token, page_size
from shared.contracts.membership import MemberKind, MemberStatus, Scheme, normalise_name
from shared.domain.errors import NotFound, Violations
from services.membership.projections.directory import MEMBER_DIRECTORY

SCHEMA = MEMBER_DIRECTORY.name


@dataclass(frozen=True)
class MemberFilter:
    kind: MemberKind | None = None
    scheme: Scheme | None = None
    status: MemberStatus | None = None
    name_contains: str | None = None


async def get_member(pool: asyncpg.Pool, member_id: UUID) -> asyncpg.Record:
    row = await pool.fetchrow(f"SELECT * FROM {SCHEMA}.members WHERE member_id = $1", member_id)
    if row is None:
        raise NotFound(f"member {member_id} not found")
    return row


def _where(f: MemberFilter) -> tuple[str, list]:
    clauses, args = [], []
    for column, value in (("kind", f.kind), ("scheme", f.scheme), ("status", f.status)):
        if value is not None:
            args.append(value.value)
            clauses.append(f"{column} = ${len(args)}")
    if f.name_contains:
        args.append(f"%{normalise_name(f.name_contains)}%")
        clauses.append(f"name_search LIKE ${len(args)}")
    return (" AND ".join(clauses) or "TRUE"), args


async def list_members(pool: asyncpg.Pool, f: MemberFilter, requested_size: int = 0, page_token: str = "") -> Page:
    """Keyset paging in (normalised name, id) order: stable while members are added."""
    v = Violations()
    size = page_size(requested_size, v)
    if f.name_contains is not None and len(f.name_contains) > 200:
        v.add("name_contains", "at most 200 characters")
    v.raise_if_any()
    where, args = _where(f)
    total = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.members WHERE {where}", *args)
    if page_token:
        args += decode_page_token(page_token, str, UUID)
        where += f" AND (name_search, member_id) > (${len(args) - 1}, ${len(args)})"
    rows = await pool.fetch(
        f"SELECT * FROM {SCHEMA}.members WHERE {where} ORDER BY name_search, member_id LIMIT {size + 1}", *args)
    return cut(rows, size, lambda row: (row["name_search"], row["member_id"]), total)


async def count_members(pool: asyncpg.Pool, status: MemberStatus | None = None) -> tuple[dict, dict]:
    """(count by kind, count by scheme), optionally for one status only."""
    where, args = ("status = $1", [status.value]) if status else ("TRUE", [])
    by_kind = await pool.fetch(f"SELECT kind, count(*) AS n FROM {SCHEMA}.members WHERE {where} GROUP BY kind", *args)
    by_scheme = await pool.fetch(
        f"SELECT scheme, count(*) AS n FROM {SCHEMA}.members WHERE {where} GROUP BY scheme", *args)
    return {r["kind"]: r["n"] for r in by_kind}, {r["scheme"]: r["n"] for r in by_scheme}
