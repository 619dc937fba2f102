"""What funding knows of an administration when it allocates: its local views of membership
(is it an active member of the association?) and of cohorts (has its lab started, completed?).

The lookup first waits (bounded) until every local view of a topic the request's consistency
token names has applied that position (``TokenWaits.for_command``), so an administration
admitted a moment ago, or a lab started a moment ago, is known here when the client passes
that command's token along. Both views are read in one query.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol
from uuid import UUID

import asyncpg

from shared.contracts.membership import MemberStatus
from services.funding.domain import Administration
from services.funding.projections.cohorts_view import COHORTS_VIEW
from services.funding.projections.membership_view import MEMBERSHIP_VIEW

# topic -> position: returns once the local views of those topics hold them, else Unavailable
WaitForViews = Callable[[Mapping[str, int]], Awaitable[None]]

# The host's latest lab: the one that started last (a host may run a lab again years later).
_FACTS = f"""
    SELECT m.name, m.status, m.status_since, c.cohort_id, c.started_on, c.completed_on
    FROM (SELECT $1::uuid AS member_id) k
    LEFT JOIN {MEMBERSHIP_VIEW.name}.administrations m ON m.member_id = k.member_id
    LEFT JOIN LATERAL (
        SELECT cohort_id, started_on, completed_on FROM {COHORTS_VIEW.name}.lab_cohorts
        WHERE host_member_id = k.member_id ORDER BY started_on DESC, cohort_id DESC LIMIT 1) c ON TRUE"""


class AdministrationLookup(Protocol):
    """``after``: the token's positions to wait for first ({}: read the views as they are)."""

    async def __call__(self, member_id: UUID, after: Mapping[str, int]) -> Administration: ...


class LocalViewsLookup:
    def __init__(self, pool: asyncpg.Pool, wait_for_views: WaitForViews) -> None:
        self._pool = pool
        self._wait_for_views = wait_for_views

    async def __call__(self, member_id: UUID, after: Mapping[str, int]) -> Administration:
        if after:
            await self._wait_for_views(after)
        row = await self._pool.fetchrow(_FACTS, member_id)
        return Administration(
            member_id, name=row["name"], status=MemberStatus(row["status"]) if row["status"] else None,
            status_since=row["status_since"], cohort_id=row["cohort_id"], cohort_started_on=row["started_on"],
            cohort_completed_on=row["completed_on"])
