"""The facts a booking decision reads from this service's read models, never from another
service: whether the organisation is an active member of the collective (the local view of
membership), and the hours it has booked in the slot's month on other space-days (the venue).

Both are read after a bounded wait (the kit's shared.projections.tokens.TokenWaits; it
raises Unavailable when a view does not catch up in time):
- the local view, for the membership positions of the consistency token the request carries
  (``for_command``: a client that admitted the organisation a moment ago passes that reply's
  token, so its booking is never refused for a member bookings has not heard of yet);
- the venue, for the store's last position when a quota applies (``for_query``): every
  booking committed before this one started deciding, by this instance or another, is then
  counted.
A cancellation finds its booking's stream in the venue too: a booking's space and day never
change, so a row found is right at once, and only a booking not found yet waits.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol
from uuid import UUID

import asyncpg

from shared.contracts.bookings import VENUE_TIME_ZONE
from shared.contracts.membership import MemberStatus
from shared.domain.errors import NotFound
from shared.eventstore.base import EventStore
from services.bookings.domain import Booker, BookSpace
from services.bookings.domain.venue_time import month_bounds
from services.bookings.projections.collective import COLLECTIVE_MEMBERS
from services.bookings.projections.venue import VENUE



class Consistency(Protocol):
    """The bounded waits of shared.projections.tokens.TokenWaits."""

    async def for_command(self, positions: Mapping[str, int]) -> None: ...

    async def for_query(self, read_model: str, positions: Mapping[str, int]) -> None: ...


MEMBER_STATUS = f"SELECT status FROM {COLLECTIVE_MEMBERS.name}.members WHERE member_id = $1"
DEPARTURE = f"""SELECT since, left_at, status_reason FROM {COLLECTIVE_MEMBERS.name}.members
WHERE member_id = $1 AND status = 'left'"""
MINUTES_BOOKED_ELSEWHERE = f"""
SELECT coalesce(sum(minutes), 0) FROM {VENUE.name}.bookings
WHERE organisation_id = $1 AND status = 'booked' AND starts_at >= $2 AND starts_at < $3
  AND NOT (space_id = $4 AND day = $5)"""
BOOKING_DAY = f"SELECT space_id, day FROM {VENUE.name}.bookings WHERE booking_id = $1"


@dataclass(frozen=True)
class Departure:
    """The organisation has left the collective: on ``on``, effective at ``at``, for ``reason``."""

    on: date
    at: datetime
    reason: str


class VenueFacts:
    def __init__(self, pool: asyncpg.Pool, store: EventStore, consistency: Consistency, events_topic: str) -> None:
        self._pool = pool
        self._store = store
        self._consistency = consistency
        self._topic = events_topic  # this service's own topic, which the venue read model reads

    async def booker(self, command: BookSpace, monthly_quota_hours: int | None, after: Mapping[str, int]) -> Booker:
        await self._consistency.for_command(after)
        status = await self._pool.fetchval(MEMBER_STATUS, command.organisation_id)
        elsewhere = 0
        if monthly_quota_hours is not None:
            await self.venue_caught_up()
            start, end = month_bounds(command.day)
            elsewhere = await self._pool.fetchval(MINUTES_BOOKED_ELSEWHERE, command.organisation_id, start, end,
                                                  command.space_id, command.day)
        return Booker(command.organisation_id, active_member=status == MemberStatus.ACTIVE.value,
                      monthly_quota_hours=monthly_quota_hours, minutes_booked_elsewhere=elsewhere)

    async def departure(self, organisation_id: UUID) -> Departure | None:
        """Its departure from the collective, if the local view holds one."""
        row = await self._pool.fetchrow(DEPARTURE, organisation_id)
        if row is None:
            return None
        # left_at is NULL in a view installed before it existed (until rebuilt): the day's start.
        at = row["left_at"] or datetime.combine(row["since"], time(0), VENUE_TIME_ZONE)
        return Departure(row["since"], at, row["status_reason"] or "")

    async def venue_caught_up(self) -> None:
        """Wait until the venue holds every event the store had committed when this was called."""
        await self._consistency.for_query(VENUE.name, {self._topic: await self._store.last_position()})

    async def booking_day(self, booking_id: UUID) -> tuple[UUID, date]:
        """The space and local day whose stream holds ``booking_id`` (a booking committed
        before this call is always found, whichever instance made it)."""
        row = await self._pool.fetchrow(BOOKING_DAY, booking_id)
        if row is None:  # booked a moment ago? once the venue holds the store, it is there
            await self.venue_caught_up()
            row = await self._pool.fetchrow(BOOKING_DAY, booking_id)
        if row is None:
            raise NotFound(f"booking {booking_id} not found")
        return row["space_id"], row["day"]
