"""Local wall-clock times at the venue (Europe/Paris) and the exact instants they name.

Bookings are decided and stored in instants (timezone-aware UTC), so lengths are exact: a
four-hour booking on the night the clocks go forward ends five wall-clock hours later. Two
wall-clock times a night a year are special:
- in the spring gap (02:00-03:00 on the last Sunday of March) no instant has that local time;
- in the autumn fold (02:00-03:00 on the last Sunday of October) two instants have it.
A booking may not *start* at either (the caller must say which instant it means). An opening
window bound that falls there is read as Postgres reads a local time (the free-slot search
computes windows in SQL, and it must agree with the decider): in the gap with the offset
before the change, in the fold as its later occurrence. The venue is rarely open at 2 a.m.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from shared.contracts.bookings import VENUE_TIME_ZONE, OpeningWindow


class NoSuchLocalTime(ValueError):
    """A local time that names no instant, or two, on that day."""


def instants(day: date, at: time) -> list[datetime]:
    """Every instant (UTC) that is ``at`` on ``day`` in Paris, in order: one, none (the spring
    gap) or two (the autumn fold)."""
    wall = datetime.combine(day, at)
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=VENUE_TIME_ZONE, fold=fold).astimezone(UTC)
        if instant.astimezone(VENUE_TIME_ZONE).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


def local_instant(day: date, at: time) -> datetime:
    """The one instant (UTC) that is ``at`` on ``day`` in Paris; NoSuchLocalTime if there is
    none (spring gap) or two (autumn fold)."""
    match instants(day, at):
        case [one]:
            return one
        case []:
            raise NoSuchLocalTime(f"{at:%H:%M} does not exist on {day.isoformat()} in Paris "
                                  "(the clocks go forward an hour)")
    raise NoSuchLocalTime(f"{at:%H:%M} happens twice on {day.isoformat()} in Paris "
                          "(the clocks go back an hour): start before 02:00 or from 03:00")


def window_instants(day: date, window: OpeningWindow) -> tuple[datetime, datetime]:
    """When a window opens and closes on ``day``, as instants (see above for 2 a.m. on the
    nights the clocks change)."""
    return _as_postgres_reads(day, window.opens), _as_postgres_reads(day, window.closes)


def _as_postgres_reads(day: date, at: time) -> datetime:
    found = instants(day, at)
    if found:
        return found[-1]  # in the fold: the later one
    # in the gap: with the offset before the change
    return datetime.combine(day, at).replace(tzinfo=VENUE_TIME_ZONE, fold=0).astimezone(UTC)


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
