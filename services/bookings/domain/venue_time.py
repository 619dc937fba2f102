"""Local wall-clock times at the venue (Europe/Paris) and the exact instants they name.

Bookings are decided and stored in instants (timezone-aware UTC), so lengths are exact: a
four-hour booking on the night the clocks go forward ends five wall-clock hours later. Two
wall-clock times a night a year are special:
- in the spring gap (02:00-03:00 on the last Sunday of March) no instant has that local time;
- in the autumn fold (02:00-03:00 on the last Sunday of October) two instants have it.
A booking may not *start* at either (the caller must say which instant it means), while an
opening window bound that falls there is read as zoneinfo reads it (the offset before the
change, ``fold=0``); the venue is not open at 2 a.m. in practice.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from shared.contracts.bookings import VENUE_TIME_ZONE, OpeningWindow


class NoSuchLocalTime(ValueError):
    """A local time that names no instant, or two, on that day."""


def local_instant(day: date, at: time) -> datetime:
    """The one instant (UTC) that is ``at`` on ``day`` in Paris; NoSuchLocalTime if there is
    none (spring gap) or two (autumn fold)."""
    wall = datetime.combine(day, at)
    first, second = wall.replace(tzinfo=VENUE_TIME_ZONE, fold=0), wall.replace(tzinfo=VENUE_TIME_ZONE, fold=1)
    if first.utcoffset() != second.utcoffset():
        if first.astimezone(UTC).astimezone(VENUE_TIME_ZONE).replace(tzinfo=None) != wall:
            raise NoSuchLocalTime(f"{at:%H:%M} does not exist on {day.isoformat()} in Paris "
                                  "(the clocks go forward an hour)")
        raise NoSuchLocalTime(f"{at:%H:%M} happens twice on {day.isoformat()} in Paris "
                              "(the clocks go back an hour): start before 02:00 or from 03:00")
    return first.astimezone(UTC)


def window_instants(day: date, window: OpeningWindow) -> tuple[datetime, datetime]:
    """When a window opens and closes on ``day``, as instants (bounds read with ``fold=0``)."""
    return tuple(datetime.combine(day, t, VENUE_TIME_ZONE).astimezone(UTC)  # type: ignore[return-value]
                 for t in (window.opens, window.closes))


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants the local month of ``day`` starts and ends (midnight exists every day in
    Paris: the clocks change at 2 or 3 a.m.)."""
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return local_instant(first, time(0)), local_instant(following, time(0))


def local(instant: datetime) -> datetime:
    """An instant as Paris wall-clock time."""
    return instant.astimezone(VENUE_TIME_ZONE)


def local_day(instant: datetime) -> date:
    return local(instant).date()


def wall_clock(start: datetime, end: datetime) -> str:
    """``10:00-12:00`` in Paris time (the way a slot is named in refusals)."""
    return f"{local(start):%H:%M}-{local(end):%H:%M}"
