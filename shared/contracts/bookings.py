"""Bookings' public events: the only bookings module other services may import.

The halles civiques venue (Belleville, Paris) has **spaces** (rooms) that member
organisations of the halles-civiques collective book for their events.

Streams, and why they are cut this way
--------------------------------------
* ``space/<space_id>`` (``SPACE_STREAM_TYPE``): a room's rules: name, capacity, weekly
  opening hours, minimum and maximum booking length.
* ``space/<space_id>/<YYYY-MM-DD>`` (``SPACE_DAY_STREAM_TYPE``): one local day (Europe/Paris)
  of one space: its bookings, cancellations and closure. Every booking lies within one local
  day (opening hours never cross midnight), so two bookings that could overlap are always
  decided on the same stream, and the event store's ``UNIQUE(stream_id, version)`` lets only
  one of two racing decisions be stored, whatever process made it. A closure is decided on the
  same stream, so a day cannot be closed under a booking being made.
* ``organisation/<member_id>`` (``ORGANISATION_STREAM_TYPE``): what the venue knows of an
  organisation of its own: its optional monthly quota of hours.

Every event carries the ids a consumer needs (space, local day, organisation, booking)
without folding a stream.

Time
----
Opening hours are local wall-clock times in Europe/Paris (``VENUE_TIME_ZONE``). Bookings are
stored as exact instants (``starts_at``/``ends_at``, timezone-aware UTC) plus ``day``, the
local date they fall on; so a booking on the night the clocks change lasts exactly what it
says, and appears on the day a person in Paris would say.

Identities
----------
``space_id = uuid5(SPACE_ID_NAMESPACE, "space:" + normalise_name(name))``: a space's name is
its identity (two rooms of one venue never share a name), so registering the same room twice
targets one stream. ``booking_id = uuid5(BOOKING_ID_NAMESPACE, request_id)`` when the request
carries an idempotency key, so a retried booking names the same booking. Changing a
namespace or the normalisation would orphan every stored stream: both are part of this
contract.

Schema history
--------------
Every event is at v1.
"""
from __future__ import annotations

import uuid
from datetime import date, time
from enum import Enum
from typing import ClassVar
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.contracts.membership import normalise_name
from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

VENUE_TIME_ZONE = ZoneInfo("Europe/Paris")

SPACE_STREAM_TYPE = "bookings.Space"
SPACE_DAY_STREAM_TYPE = "bookings.SpaceDay"
ORGANISATION_STREAM_TYPE = "bookings.Organisation"

SPACE_ID_NAMESPACE = uuid.UUID("b0c1e27e-27e0-5b1a-9c3d-5ace27e27e27")
BOOKING_ID_NAMESPACE = uuid.UUID("b0c1e27e-27e0-5b1a-9c3d-b00c27e27e27")


class Weekday(str, Enum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def iso(self) -> int:
        """ISO weekday number: Monday 1 .. Sunday 7 (``date.isoweekday()``)."""
        return list(Weekday).index(self) + 1

    @classmethod
    def of(cls, day: date) -> "Weekday":
        return list(cls)[day.weekday()]


class BookingStatus(str, Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class OpeningWindow(BaseModel):
    """The space is open on ``weekday`` from ``opens`` to ``closes`` (local times, same day,
    ``opens < closes``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    weekday: Weekday
    opens: time
    closes: time


# --- identities and streams -------------------------------------------------------------


def space_id_for(name: str) -> uuid.UUID:
    return uuid.uuid5(SPACE_ID_NAMESPACE, f"space:{normalise_name(name)}")


def booking_id_for(request_id: str) -> uuid.UUID:
    return uuid.uuid5(BOOKING_ID_NAMESPACE, request_id)


def space_stream_id(space_id: uuid.UUID) -> str:
    return f"space/{space_id}"


def space_day_stream_id(space_id: uuid.UUID, day: date) -> str:
    return f"space/{space_id}/{day.isoformat()}"


def organisation_stream_id(organisation_id: uuid.UUID) -> str:
    return f"organisation/{organisation_id}"


# --- space events -----------------------------------------------------------------------


class SpaceEvent(DomainEvent):
    space_id: uuid.UUID


class SpaceRegistered(SpaceEvent):
    event_type: ClassVar[str] = "bookings.SpaceRegistered"

    name: str
    capacity: int
    opening_hours: tuple[OpeningWindow, ...]
    min_length_minutes: int
    max_length_minutes: int


class SpaceUpdated(SpaceEvent):
    """Only the rules that changed are set; ``None`` means unchanged. A change applies to the
    bookings decided after it: bookings already made stand."""

    event_type: ClassVar[str] = "bookings.SpaceUpdated"

    capacity: int | None = None
    opening_hours: tuple[OpeningWindow, ...] | None = None
    min_length_minutes: int | None = None
    max_length_minutes: int | None = None


# --- space-day events -------------------------------------------------------------------


class SpaceDayEvent(SpaceEvent):
    day: date  # the local (Europe/Paris) date


class SpaceBooked(SpaceDayEvent):
    event_type: ClassVar[str] = "bookings.SpaceBooked"

    booking_id: uuid.UUID
    organisation_id: uuid.UUID  # a member id of the halles_civiques scheme
    title: str
    attendance: int
    starts_at: AwareDatetime  # UTC
    ends_at: AwareDatetime  # UTC; ends_at - starts_at is the booking's exact length


class BookingCancelled(SpaceDayEvent):
    event_type: ClassVar[str] = "bookings.BookingCancelled"

    booking_id: uuid.UUID
    organisation_id: uuid.UUID
    reason: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class SpaceDayClosed(SpaceDayEvent):
    """No booking is accepted on that day (closing is refused while the day has bookings)."""

    event_type: ClassVar[str] = "bookings.SpaceDayClosed"

    reason: str


class SpaceDayReopened(SpaceDayEvent):
    event_type: ClassVar[str] = "bookings.SpaceDayReopened"


# --- organisation events ----------------------------------------------------------------


class MonthlyQuotaSet(DomainEvent):
    """The organisation may book at most ``hours`` hours per calendar month (of the bookings'
    local days), across every space; ``None``: no quota."""

    event_type: ClassVar[str] = "bookings.MonthlyQuotaSet"

    organisation_id: uuid.UUID
    hours: int | None


BOOKINGS_EVENTS: tuple[type[DomainEvent], ...] = (
    SpaceRegistered,
    SpaceUpdated,
    SpaceBooked,
    BookingCancelled,
    SpaceDayClosed,
    SpaceDayReopened,
    MonthlyQuotaSet,
)


def bookings_registry() -> EventRegistry:
    """A fresh registry of every bookings event (no upcasters yet: every event is at v1)."""
    return EventRegistry(BOOKINGS_EVENTS)
