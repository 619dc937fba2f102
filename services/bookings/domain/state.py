"""What the bookings deciders see: states folded from events, and the facts from outside a
stream that a decision needs (never stored as such)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.contracts.bookings import OpeningWindow, Weekday


@dataclass(frozen=True)
class SpaceState:
    space_id: UUID
    name: str
    capacity: int
    opening_hours: tuple[OpeningWindow, ...]
    min_length_minutes: int
    max_length_minutes: int

    def windows_on(self, day: date) -> list[OpeningWindow]:
        weekday = Weekday.of(day)
        return sorted((w for w in self.opening_hours if w.weekday is weekday), key=lambda w: w.opens)


@dataclass(frozen=True)
class Booking:
    booking_id: UUID
    organisation_id: UUID
    title: str
    attendance: int
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds()) // 60

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        # Half-open slots: one ending at 12:00 and the next starting at 12:00 do not overlap.
        return not self.cancelled and self.starts_at < ends_at and starts_at < self.ends_at


@dataclass(frozen=True)
class SpaceDayState:
    """One local day of one space (known once the stream has an event): every booking ever
    made on it (cancelled ones included: a booking id is never reused) and the reason it is
    closed, if it is."""

    space_id: UUID | None = None
    day: date | None = None
    bookings: tuple[Booking, ...] = ()
    closed_reason: str | None = None

    def booking(self, booking_id: UUID) -> Booking | None:
        return next((b for b in self.bookings if b.booking_id == booking_id), None)

    @property
    def live(self) -> list[Booking]:
        return [b for b in self.bookings if not b.cancelled]


@dataclass(frozen=True)
class OrganisationState:
    monthly_quota_hours: int | None = None


@dataclass(frozen=True)
class Booker:
    """What a booking needs to know of its organisation from outside the day's stream.

    ``active_member``: the local view of membership holds it as an active member of the
    halles-civiques collective. ``minutes_booked_elsewhere``: its live bookings in the slot's
    month on every *other* space-day (read from the venue read model); its bookings on the
    slot's own space-day come from that stream's state, which is exact.
    """

    organisation_id: UUID
    active_member: bool
    monthly_quota_hours: int | None = None
    minutes_booked_elsewhere: int = 0


# Empty streams: a space never registered, a day with nothing on it, an organisation without quota.
initial_space: SpaceState | None = None
initial_day = SpaceDayState()
initial_organisation = OrganisationState()
