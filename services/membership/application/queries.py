"""Queries over the member directory read model (never the event store)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from shared.contracts.membership import MemberKind, MemberStatus, Scheme, normalise_name
from shared.domain.errors import InvalidArgument, NotFound, Violations
from services.membership.projections.directory import SCHEMA

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class MemberFilter:
    kind: MemberKind | None = None
    scheme: Scheme | None = None
    status: MemberStatus | None = None
    name_contains: str | None = None


@dataclass(frozen=True)
class Page:
    rows: list[asyncpg.Record]
    next_page_token: str
    total_size: int


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


def _encode_token(name_search: str, member_id: UUID) -> str:
    return base64.urlsafe_b64encode(json.dumps([name_search, str(member_id)]).encode()).decode()


def _decode_token(token: str) -> tuple[str, UUID]:
    try:
        name_search, member_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(name_search), UUID(member_id)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument.of("page.page_token", "not a token this service issued") from exc


async def list_members(pool: asyncpg.Pool, f: MemberFilter, page_size: int = 0, page_token: str = "") -> Page:
    """Keyset paging in (normalised name, id) order: stable while members are added."""
    v = Violations()
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        v.add("page.page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
    if f.name_contains is not None and len(f.name_contains) > 200:
        v.add("name_contains", "at most 200 characters")
    v.raise_if_any()
    size = page_size or DEFAULT_PAGE_SIZE
    where, args = _where(f)
    total = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.members WHERE {where}", *args)
    if page_token:
        after_name, after_id = _decode_token(page_token)
        args += [after_name, after_id]
        where += f" AND (name_search, member_id) > (${len(args) - 1}, ${len(args)})"
    rows = await pool.fetch(
        f"SELECT * FROM {SCHEMA}.members WHERE {where} ORDER BY name_search, member_id LIMIT {size + 1}", *args)
    more = len(rows) > size
    rows = rows[:size]
    token = _encode_token(rows[-1]["name_search"], rows[-1]["member_id"]) if more else ""
    return Page(rows, token, total)


async def count_members(pool: asyncpg.Pool, status: MemberStatus | None = None) -> tuple[dict, dict]:
    """(count by kind, count by scheme), optionally for one status only."""
    where, args = ("status = $1", [status.value]) if status else ("TRUE", [])
    by_kind = await pool.fetch(f"SELECT kind, count(*) AS n FROM {SCHEMA}.members WHERE {where} GROUP BY kind", *args)
    by_scheme = await pool.fetch(
        f"SELECT scheme, count(*) AS n FROM {SCHEMA}.members WHERE {where} GROUP BY scheme", *args)
    return {r["kind"]: r["n"] for r in by_kind}, {r["scheme"]: r["n"] for r in by_scheme}
