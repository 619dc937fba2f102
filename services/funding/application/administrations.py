"""What funding knows of an administration when it allocates: its local view of membership.

The lookup first waits (bounded) for that view to have applied the membership positions the
request's consistency token names, so an administration admitted a moment ago in
membership is known here when its admission's token is passed along.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol
from uuid import UUID

import asyncpg

from shared.contracts.membership import MemberStatus
from services.funding.domain import Administration
from services.funding.projections.membership_view import MEMBERSHIP_VIEW

VIEW = MEMBERSHIP_VIEW.name

# (read model, topic -> position): returns once the read model has applied them, else Unavailable
WaitForToken = Callable[[str, Mapping[str, int]], Awaitable[None]]


class AdministrationLookup(Protocol):
    async def __call__(self, member_id: UUID, after: Mapping[str, int]) -> Administration: ...


class MembershipViewLookup:
    def __init__(self, pool: asyncpg.Pool, wait_for: WaitForToken) -> None:
        self._pool = pool
        self._wait_for = wait_for

    async def __call__(self, member_id: UUID, after: Mapping[str, int]) -> Administration:
        if after:
            await self._wait_for(VIEW, after)
        row = await self._pool.fetchrow(f"SELECT name, status FROM {VIEW}.administrations WHERE member_id = $1",
                                        member_id)
        if row is None:
            return Administration(member_id)
        return Administration(member_id, name=row["name"], status=MemberStatus(row["status"]))
