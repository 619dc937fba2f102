"""Queries over the venue read model and the local view of the collective (never the store).

- the calendar of a space for one local day or one ISO week (Monday to Sunday);
- the free-slot search: every gap in the opening hours of every space that fits (capacity,
  length bounds, not closed that day), over a date range, long enough for a duration;
- an organisation's bookings, with its quota and the hours it has booked in a month;
- an organisation's future bookings (what leaving the collective cancels).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

import asyncpg

from shared.application.paging import Page, cut, decode_page_token, page_size
from shared.contracts.bookings import VENUE_TIME_ZONE, OpeningWindow, Weekday
from shared.domain.errors import InvalidArgument, NotFound, Violations
from services.bookings.domain.fields import CAPACITY_MAX, MINUTES_PER_DAY
from services.bookings.domain.venue_time import month_bounds, window_instants
from services.bookings.projections.collective import COLLECTIVE_MEMBERS
from services.bookings.projections.venue import VENUE

V = VENUE.name
MAX_SEARCH_DAYS = 92  # a quarter: a search is about finding a date, not a census


@dataclass(frozen=True)
class Window:
    opens: time  # local
    closes: time
    opens_at: datetime  # the instants they are that day
    closes_at: datetime


@dataclass(frozen=True)
class CalendarDay:
    day: date
    windows: list[Window]  # opening hours that day (none: closed that weekday)
    closed_reason: str | None  # closed that day, whatever the weekday's hours
    bookings: list[asyncpg.Record]  # live bookings, in time order
    version: int  # the space-day stream's version (0: nothing happened that day yet)


@dataclass(frozen=True)
class Calendar:
    space: asyncpg.Record
    days: list[CalendarDay]


@dataclass(frozen=True)
class OrganisationBookings:
    page: Page  # the organisation's bookings (live and cancelled), in time order
    monthly_quota_hours: int | None
    quota_version: int  # the organisation stream's version (0: no quota ever set)
    month: date  # the first day of the month the figure below is for
    minutes_booked_in_month: int  # live bookings on days of that month


async def get_space(pool: asyncpg.Pool, space_id: UUID) -> asyncpg.Record:
    row = await pool.fetchrow(f"SELECT * FROM {V}.spaces WHERE space_id = $1", space_id)
    if row is None:
        raise NotFound(f"space {space_id} not found")
    return row


async def list_spaces(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch(f"SELECT * FROM {V}.spaces ORDER BY name")


async def get_booking(pool: asyncpg.Pool, booking_id: UUID) -> asyncpg.Record:
    row = await pool.fetchrow(f"SELECT * FROM {V}.bookings WHERE booking_id = $1", booking_id)
    if row is None:
        raise NotFound(f"booking {booking_id} not found")
    return row


# --- calendar -----------------------------------------------------------------------------


async def calendar_day(pool: asyncpg.Pool, space_id: UUID, day: date) -> Calendar:
    return await calendar(pool, space_id, day, 1)


async def calendar_week(pool: asyncpg.Pool, space_id: UUID, day: date) -> Calendar:
    """The ISO week (Monday to Sunday) that holds ``day``."""
    return await calendar(pool, space_id, day - timedelta(days=day.weekday()), 7)


async def calendar(pool: asyncpg.Pool, space_id: UUID, first: date, days: int) -> Calendar:
    space = await get_space(pool, space_id)
    last = first + timedelta(days=days - 1)
    known = {r["day"]: r for r in await pool.fetch(
        f"SELECT day, closed_reason, version FROM {V}.space_days WHERE space_id = $1 AND day BETWEEN $2 AND $3",
        space_id, first, last)}
    booked: dict[date, list[asyncpg.Record]] = {}
    for row in await pool.fetch(
            f"SELECT * FROM {V}.bookings WHERE space_id = $1 AND day BETWEEN $2 AND $3 AND status = 'booked' "
            "ORDER BY starts_at", space_id, first, last):
        booked.setdefault(row["day"], []).append(row)
    hours = [OpeningWindow.model_validate(w) for w in space["opening_hours"]]
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        windows = [Window(w.opens, w.closes, *window_instants(day, w))
                   for w in sorted(hours, key=lambda w: w.opens) if w.weekday is Weekday.of(day)]
        stream = known.get(day)
        out.append(CalendarDay(day, windows, stream["closed_reason"] if stream else None, booked.get(day, []),
                               stream["version"] if stream else 0))
    return Calendar(space, out)


# --- free slots ---------------------------------------------------------------------------

# Each opening window of each fitting space on each day of the range, as instants (Postgres
# reads the local times in the venue's zone); then the window's gaps: a gap starts at the
# opening or where a live booking ends, if no booking is under way then, and runs to the next
# booking's start or the closing. Bookings of a space never overlap, so these are the gaps;
# and each lies within its local day, so only that day's bookings are looked at.
FREE_SLOTS = f"""
WITH windows AS (
    SELECT s.space_id, s.name, s.capacity, d.day::date AS day,
           (d.day::date + w.opens) AT TIME ZONE $5 AS opens_at,
           (d.day::date + w.closes) AT TIME ZONE $5 AS closes_at
    FROM {V}.spaces s
    CROSS JOIN generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day') AS d(day)
    CROSS JOIN LATERAL jsonb_to_recordset(s.opening_hours) AS w(isodow int, opens time, closes time)
    WHERE w.isodow = extract(isodow FROM d.day)
      AND s.capacity >= $4 AND s.min_length_minutes <= $3 AND $3 <= s.max_length_minutes
      AND NOT EXISTS (SELECT 1 FROM {V}.space_days c
                      WHERE c.space_id = s.space_id AND c.day = d.day::date AND c.closed_reason IS NOT NULL)
), starts AS (
    SELECT w.*, w.opens_at AS free_from FROM windows w
    UNION
    SELECT w.*, b.ends_at FROM windows w
    JOIN {V}.bookings b ON b.space_id = w.space_id AND b.day = w.day AND b.status = 'booked'
     AND b.ends_at > w.opens_at AND b.ends_at < w.closes_at
), gaps AS (
    SELECT st.space_id, st.name, st.capacity, st.day, st.free_from,
           least(st.closes_at, (SELECT min(b.starts_at) FROM {V}.bookings b
                                WHERE b.space_id = st.space_id AND b.day = st.day AND b.status = 'booked'
                                  AND b.starts_at >= st.free_from)) AS free_until
    FROM starts st
    WHERE NOT EXISTS (SELECT 1 FROM {V}.bookings b
                      WHERE b.space_id = st.space_id AND b.day = st.day AND b.status = 'booked'
                        AND b.starts_at <= st.free_from AND b.ends_at > st.free_from)
), fitting AS (
    SELECT *, count(*) OVER () AS total FROM gaps WHERE free_until - free_from >= make_interval(mins => $3)
)
SELECT * FROM fitting WHERE {{after}} ORDER BY free_from, space_id LIMIT {{limit}}
"""


async def free_slots(pool: asyncpg.Pool, first: date, last: date, minutes: int, attendance: int,
                     requested_size: int = 0, page_token: str = "") -> Page:
    """Every gap of at least ``minutes`` in the opening hours of the spaces that hold
    ``attendance`` people and may be booked that long, from ``first`` to ``last`` (local
    days, inclusive), in time order. A gap is free from ``free_from`` to ``free_until``: any
    start in it up to ``free_until - minutes`` can be booked."""
    v = Violations()
    size = page_size(requested_size, v)
    if last < first:
        v.add("last_day", "must not be before first_day")
    elif (last - first).days >= MAX_SEARCH_DAYS:
        v.add("last_day", f"the search covers at most {MAX_SEARCH_DAYS} days")
    if not 1 <= minutes <= MINUTES_PER_DAY:
        v.add("length_minutes", f"must be between 1 and {MINUTES_PER_DAY}")
    if not 1 <= attendance <= CAPACITY_MAX:
        v.add("attendance", f"must be between 1 and {CAPACITY_MAX}")
    v.raise_if_any()
    args: list = [first, last, minutes, attendance, VENUE_TIME_ZONE.key]
    after = "TRUE"
    if page_token:
        args += decode_page_token(page_token, datetime.fromisoformat, UUID)
        after = "(free_from, space_id) > ($6, $7)"
    rows = await pool.fetch(FREE_SLOTS.format(after=after, limit=size + 1), *args)
    total = rows[0]["total"] if rows else 0
    return cut(rows, size, lambda row: (row["free_from"].isoformat(), row["space_id"]), total)


# --- an organisation's bookings -------------------------------------------------------------


async def organisation_bookings(pool: asyncpg.Pool, organisation_id: UUID, month: date,
                                requested_size: int = 0, page_token: str = "") -> OrganisationBookings:
    """Its bookings in time order (keyset paging), its quota, and its hours booked in the
    local month of ``month`` (the caller's "this month")."""
    size = page_size(requested_size)
    where, args = "organisation_id = $1", [organisation_id]
    total = await pool.fetchval(f"SELECT count(*) FROM {V}.bookings WHERE {where}", *args)
    if page_token:
        args += decode_page_token(page_token, datetime.fromisoformat, UUID)
        where += " AND (starts_at, booking_id) > ($2, $3)"
    rows = await pool.fetch(f"SELECT * FROM {V}.bookings WHERE {where} ORDER BY starts_at, booking_id "
                            f"LIMIT {size + 1}", *args)
    start, end = month_bounds(month)
    used = await pool.fetchval(
        f"SELECT coalesce(sum(minutes), 0) FROM {V}.bookings WHERE organisation_id = $1 AND status = 'booked' "
        "AND starts_at >= $2 AND starts_at < $3", organisation_id, start, end)
    quota = await pool.fetchrow(f"SELECT monthly_quota_hours, version FROM {V}.organisations "
                                "WHERE organisation_id = $1", organisation_id)
    page = cut(rows, size, lambda row: (row["starts_at"].isoformat(), row["booking_id"]), total)
    return OrganisationBookings(page, quota["monthly_quota_hours"] if quota else None, quota["version"] if quota else 0,
                                month.replace(day=1), used)


async def future_bookings(pool: asyncpg.Pool, organisation_id: UUID, starting_from: datetime) -> list[asyncpg.Record]:
    """Its live bookings that start at or after ``starting_from``, in time order: what is
    cancelled when it leaves the collective (the ones before stay as they were)."""
    if starting_from.tzinfo is None:
        raise InvalidArgument.of("starting_from", "must be an instant (with a time zone)")
    return await pool.fetch(
        f"SELECT booking_id, space_id, day, starts_at, ends_at FROM {V}.bookings "
        "WHERE organisation_id = $1 AND status = 'booked' AND starts_at >= $2 ORDER BY starts_at, booking_id",
        organisation_id, starting_from)


async def collective_member(pool: asyncpg.Pool, member_id: UUID) -> asyncpg.Record | None:
    """The organisation as the local view of the collective has it (None: not a member)."""
    return await pool.fetchrow(f"SELECT * FROM {COLLECTIVE_MEMBERS.name}.members WHERE member_id = $1", member_id)
