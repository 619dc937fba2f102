"""Sample spaces of the halles civiques and organisations of the collective, as commands and
the events and states they give."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from services.bookings.domain import (
    Booker,
    BookSpace,
    OnDay,
    RegisterSpace,
    initial_day,
    space,
    space_day,
)
from shared.contracts.bookings import OpeningWindow, SpaceBooked, SpaceRegistered, Weekday, space_id_for
from shared.contracts.membership import Scheme, identity_key, member_id_for
from tests.unit.given_when_then import Scenario

spaces = Scenario(None, space.evolve, space.decide)
days = Scenario(initial_day, space_day.evolve, space_day.decide)

WEEKDAYS = [Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY, Weekday.SATURDAY]
HALLE_ID = space_id_for("La Grande Halle")
HALLE_HOURS = tuple(OpeningWindow(weekday=d, opens=time(9), closes=time(22)) for d in WEEKDAYS)

REGISTER_HALLE = RegisterSpace(
    name=" La Grande Halle ", capacity=120,
    opening_hours=[{"weekday": d.value, "opens": "09:00", "closes": "22:00"} for d in reversed(WEEKDAYS)],
    min_length_minutes=60, max_length_minutes=480,
)
halle_registered = SpaceRegistered(space_id=HALLE_ID, name="La Grande Halle", capacity=120,
                                   opening_hours=HALLE_HOURS, min_length_minutes=60, max_length_minutes=480)
HALLE = spaces.given(halle_registered).state

# Open round the clock on Sundays, the day the clocks change: for the night of the change.
NIGHT_ID = space_id_for("Salle de la Veillée")
night_registered = SpaceRegistered(
    space_id=NIGHT_ID, name="Salle de la Veillée", capacity=40,
    opening_hours=(OpeningWindow(weekday=Weekday.SATURDAY, opens=time(18), closes=time(23, 59)),
                   OpeningWindow(weekday=Weekday.SUNDAY, opens=time(0), closes=time(23, 59))),
    min_length_minutes=30, max_length_minutes=12 * 60,
)
NIGHT = spaces.given(night_registered).state

DITP = member_id_for(Scheme.HALLES_CIVIQUES, identity_key("DITP", None))
DEMOCRATIE_OUVERTE = member_id_for(Scheme.HALLES_CIVIQUES, identity_key("Démocratie ouverte", None))

THURSDAY = date(2018, 3, 15)  # the halles opened in March 2018


def active(organisation=DITP, quota: int | None = None, elsewhere: int = 0) -> Booker:
    return Booker(organisation_id=organisation, active_member=True, monthly_quota_hours=quota,
                  minutes_booked_elsewhere=elsewhere)


def book(start: str, minutes: int = 120, *, day: date = THURSDAY, organisation=DITP, attendance: int = 30,
         booking_id: uuid.UUID | None = None, space_id=HALLE_ID, title: str = "Atelier des Éclaireurs") -> BookSpace:
    return BookSpace(booking_id=booking_id or uuid.uuid5(uuid.NAMESPACE_URL, f"{space_id}{day}{start}{organisation}"),
                     space_id=space_id, organisation_id=organisation, day=day, start=start,
                     length_minutes=minutes, title=title, attendance=attendance)


def on_halle(command, booker: Booker | None = None, space_state=HALLE) -> OnDay:
    """A decision on a day of ``space_state``; a booking's organisation is an active member
    without quota unless ``booker`` says otherwise."""
    if booker is None and isinstance(command, BookSpace):
        booker = active(command.organisation_id)
    return OnDay(command, space_state, booker)


def booked(command: BookSpace) -> SpaceBooked:
    return SpaceBooked(space_id=command.space_id, day=command.day, booking_id=command.booking_id,
                       organisation_id=command.organisation_id, title=command.title, attendance=command.attendance,
                       starts_at=command.starts_at, ends_at=command.ends_at)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)
