"""Who may host a cohort: read from cohorts' own local view of membership, never from membership."""
from __future__ import annotations

from uuid import UUID

import asyncpg

from services.cohorts.domain import HostStanding
from services.cohorts.projections.membership_view import MEMBERSHIP_VIEW

VIEW = MEMBERSHIP_VIEW.name
_STANDING = {"active": HostStanding.ACTIVE, "suspended": HostStanding.SUSPENDED, "left": HostStanding.LEFT}


def standing_of(status: str | None) -> HostStanding:
    """A status as the view holds it (None: not in the view, so not a member)."""
    return _STANDING.get(status, HostStanding.NOT_A_MEMBER)


async def host_standing(pool: asyncpg.Pool, member_id: UUID) -> HostStanding:
    """The member's standing in the association as the view has it (not there: not a member)."""
    return standing_of(await pool.fetchval(f"SELECT status FROM {VIEW}.association_members WHERE member_id = $1",
                                           member_id))
