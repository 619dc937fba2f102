"""The bookings application layer on the real store and read models: commands, the facts they
wait for, and the queries (calendar, free slots, an organisation's bookings)."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.bookings.application import queries
from services.bookings.application.commands import new_booking_id
from services.bookings.domain import (
    BookSpace,
    CancelBooking,
    CloseSpaceDay,
    RegisterSpace,
    SetMonthlyQuota,
)
from services.bookings.domain.refusals import ClosedDay, NotAnActiveMember, OverQuota, SlotTaken
from services.bookings.domain.venue_time import local, window_instants
from shared.application.requests import RequestMeta
from shared.contracts.bookings import VENUE_TIME_ZONE, BookingCancelled, OpeningWindow, SpaceBooked, Weekday
from shared.db import create_pool
from shared.domain.errors import InvalidArgument, NotFound
from tests.integration.bookings_app import BOOKINGS_TOPIC, MEMBERSHIP_TOPIC, BookingsApp, bookings_app

pytestmark = pytest.mark.integration

THURSDAY, FRIDAY = date(2018, 3, 15), date(2018, 3, 16)
SPRING, AUTUMN = date(2018, 3, 25), date(2018, 10, 28)
WEEK = ["tuesday", "wednesday", "thursday", "friday", "saturday"]


def hours(days, opens, closes):
    return [{"weekday": d, "opens": opens, "closes": closes} for d in days]


HALLE = RegisterSpace(name="La Grande Halle", capacity=120, opening_hours=hours(WEEK, "09:00", "22:00"),
                      min_length_minutes=60, max_length_minutes=480)
ATELIER = RegisterSpace(name="L'Atelier", capacity=12, opening_hours=hours(WEEK, "10:00", "18:00"),
                        min_length_minutes=30, max_length_minutes=180)
VEILLEE = RegisterSpace(name="Salle de la Veillée", capacity=40, opening_hours=hours(["sunday"], "00:00", "23:59"),
                        min_length_minutes=30, max_length_minutes=720)


async def register(app: BookingsApp, *spaces: RegisterSpace) -> list:
    return [(await app.commands.execute(s))[0] for s in spaces]


async def book(app: BookingsApp, space_id, organisation: str, day: date, start: str, minutes: int, *,
               request_id: str | None = None, attendance: int = 10, token: dict | None = None):
    command = BookSpace(booking_id=new_booking_id(request_id), space_id=space_id,
                        organisation_id=app.collective.member_id(organisation), day=day, start=start,
                        length_minutes=minutes, title=f"Atelier {organisation}", attendance=attendance)
    return await app.commands.execute(command, RequestMeta(request_id=request_id or "", consistency_token=token or {}))


async def caught_up(app: BookingsApp) -> None:
    await app.waiters.consistency.for_query("venue", {BOOKINGS_TOPIC: await app.store.last_position()})


async def test_find_a_free_slot_book_it_and_see_it_in_the_calendar(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        halle, atelier = await register(app, HALLE, ATELIER)
        await app.collective.admit("DITP")
        await caught_up(app)
        found = await queries.free_slots(app.pool, THURSDAY, THURSDAY, 120, 30)
        assert [(r["space_id"], r["free_from"], r["free_until"]) for r in found.rows] == [
            (halle, datetime(2018, 3, 15, 8, tzinfo=UTC), datetime(2018, 3, 15, 21, tzinfo=UTC))]  # not the atelier: 12 seats

        booking_id, outcome = await book(app, halle, "DITP", THURSDAY, "10:00", 120, attendance=30)
        assert [type(e) for e in outcome.events] == [SpaceBooked]
        await caught_up(app)
        day = (await queries.calendar_day(app.pool, halle, THURSDAY)).days
        assert [(d.day, [b["booking_id"] for b in d.bookings]) for d in day] == [(THURSDAY, [booking_id])]
        assert [(f"{w.opens:%H:%M}", f"{w.closes:%H:%M}") for w in day[0].windows] == [("09:00", "22:00")]
        found = await queries.free_slots(app.pool, THURSDAY, THURSDAY, 120, 30)
        assert [(r["free_from"].hour, r["free_until"].hour) for r in found.rows] == [(11, 21)]  # 09:00-10:00 too short
        assert [(r["free_from"].hour, r["free_until"].hour) for r in
                (await queries.free_slots(app.pool, THURSDAY, THURSDAY, 60, 30)).rows] == [(8, 9), (11, 21)]


async def test_a_retried_booking_returns_the_first_result_and_stores_nothing_more(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        [halle] = await register(app, HALLE)
        await app.collective.admit("DITP")
        first_id, first = await book(app, halle, "DITP", THURSDAY, "10:00", 120, request_id="book-1")
        again_id, again = await book(app, halle, "DITP", THURSDAY, "10:00", 120, request_id="book-1")
        assert again_id == first_id and again.duplicate and again.position == first.position and not again.events
        stream = await app.store.read_stream(first.stream_id)
        assert [e.type for e in stream] == [SpaceBooked.event_type]


async def test_the_loser_of_an_overlap_learns_which_slot_it_conflicts_with(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        [halle] = await register(app, HALLE)
        await app.collective.admit("DITP")
        await app.collective.admit("Démocratie ouverte")
        winner, _ = await book(app, halle, "DITP", THURSDAY, "10:00", 120)
        with pytest.raises(SlotTaken) as refused:
            await book(app, halle, "Démocratie ouverte", THURSDAY, "11:00", 60)
        assert refused.value.subject == f"booking {winner} 2018-03-15 10:00-12:00"


async def test_only_an_active_member_books_and_a_token_waits_for_the_local_view(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        [halle] = await register(app, HALLE)
        with pytest.raises(NotAnActiveMember):
            await book(app, halle, "Cap Collectif", THURSDAY, "10:00", 60)
        # Admitted in membership a moment ago; the view has not heard of it yet; the client
        # passes the admission's token: the booking waits for the view, then succeeds.
        position = await app.collective.admit("Cap Collectif", deliver=False)
        booking = asyncio.ensure_future(book(app, halle, "Cap Collectif", THURSDAY, "10:00", 60,
                                             token={MEMBERSHIP_TOPIC: position}))
        await asyncio.sleep(0.3)
        assert not booking.done()
        await app.collective.deliver()
        _, outcome = await asyncio.wait_for(booking, 5)
        assert outcome.events
        await app.collective.leave("Cap Collectif", "a quitté le collectif", date(2018, 4, 1))
        with pytest.raises(NotAnActiveMember, match="active member"):
            await book(app, halle, "Cap Collectif", FRIDAY, "10:00", 60)


async def test_the_quota_counts_every_space_and_day_of_the_month(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        halle, atelier = await register(app, HALLE, ATELIER)
        await app.collective.admit("DITP")
        org = app.collective.member_id("DITP")
        await app.commands.execute(SetMonthlyQuota(organisation_id=org, hours=3))
        # From here the venue lags behind the store: the second booking's quota check must wait
        # until it holds the first booking.
        await app.venue.pause()
        await app.venue.catch_up()
        first, _ = await book(app, halle, "DITP", THURSDAY, "10:00", 120)  # 2 h of 3
        second = asyncio.ensure_future(book(app, atelier, "DITP", FRIDAY, "10:00", 120))
        await asyncio.sleep(0.3)
        assert not second.done()
        app.venue.paused = False
        with pytest.raises(OverQuota, match="2 h of 3 h already booked in 2018-03, this booking needs 2 h"):
            await second
        await book(app, atelier, "DITP", FRIDAY, "10:00", 60)  # 3 h of 3
        await book(app, atelier, "DITP", date(2018, 4, 5), "10:00", 180)  # another month
        await app.commands.execute(CancelBooking(booking_id=first, reason="reporté"))
        await book(app, halle, "DITP", FRIDAY, "14:00", 120)  # the cancelled 2 h are free again
        await caught_up(app)
        mine = await queries.organisation_bookings(app.pool, org, date(2018, 3, 20))
        assert (mine.monthly_quota_hours, mine.month, mine.minutes_booked_in_month) == (3, date(2018, 3, 1), 180)
        assert mine.quota_version == 1
        assert [(r["day"], r["status"]) for r in mine.page.rows] == [
            (THURSDAY, "cancelled"), (FRIDAY, "booked"), (FRIDAY, "booked"), (date(2018, 4, 5), "booked")]
        assert mine.page.total_size == 4


async def test_cancel_a_booking_by_its_id(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        [halle] = await register(app, HALLE)
        await app.collective.admit("DITP")
        booking_id, _ = await book(app, halle, "DITP", THURSDAY, "10:00", 120)
        _, outcome = await app.commands.execute(CancelBooking(booking_id=booking_id, reason="reporté"))  # found at once
        assert [type(e) for e in outcome.events] == [BookingCancelled]
        _, again = await app.commands.execute(CancelBooking(booking_id=booking_id, reason="reporté"))
        assert again.events == ()
        await caught_up(app)
        [day] = (await queries.calendar_day(app.pool, halle, THURSDAY)).days
        assert day.bookings == [] and day.version == 2  # booked, cancelled: what expected_version may name
        assert (await queries.get_booking(app.pool, booking_id))["cancel_reason"] == "reporté"
        with pytest.raises(NotFound):
            await app.commands.execute(CancelBooking(booking_id=new_booking_id("never"), reason="x"))


async def test_future_bookings_are_those_a_departure_cancels_and_cancelling_again_stores_nothing(
        fresh_dsn: str) -> None:
    # What the reaction to MemberLeft (reactions/member_left.py) does: list, then cancel each keyed by booking id.
    async with bookings_app(fresh_dsn) as app:
        [halle] = await register(app, HALLE)
        await app.collective.admit("DITP")
        await app.collective.admit("Démocratie ouverte")
        past, _ = await book(app, halle, "DITP", THURSDAY, "10:00", 120)
        under_way, _ = await book(app, halle, "DITP", FRIDAY, "10:00", 120)
        future = [(await book(app, halle, "DITP", FRIDAY + timedelta(days=7 * i), "14:00", 60))[0] for i in (0, 1)]
        others, _ = await book(app, halle, "Démocratie ouverte", FRIDAY, "18:00", 60)
        ditp = app.collective.member_id("DITP")
        await caught_up(app)
        rows = await queries.future_bookings(app.pool, ditp, datetime(2018, 3, 16, 10, 30, tzinfo=UTC))
        assert [r["booking_id"] for r in rows] == future  # in time order; the past and the one under way stay

        async def cancel_each():
            return [(await app.commands.execute(CancelBooking(booking_id=r["booking_id"], reason="a quitté le collectif"),
                                                RequestMeta(request_id=f"bookings_on_leave:event-1:{r['booking_id']}")))[1]
                    for r in rows]

        first = await cancel_each()
        assert all(len(o.events) == 1 for o in first)
        replayed = await cancel_each()  # the same inbound event again: the same request ids
        assert all(o.duplicate and o.position == f.position for o, f in zip(replayed, first))
        await caught_up(app)
        assert await queries.future_bookings(app.pool, ditp, datetime(2018, 3, 16, 10, 30, tzinfo=UTC)) == []
        status = {r["booking_id"]: r["status"] for r in (await queries.organisation_bookings(
            app.pool, ditp, THURSDAY)).page.rows}
        assert status == {past: "booked", under_way: "booked", future[0]: "cancelled", future[1]: "cancelled"}
        assert (await queries.get_booking(app.pool, others))["status"] == "booked"
        with pytest.raises(InvalidArgument):
            await queries.future_bookings(app.pool, ditp, datetime(2018, 3, 16))


@pytest.mark.parametrize(("day", "utc_start", "local_end"), [
    (SPRING, datetime(2018, 3, 24, 23, 30, tzinfo=UTC), "05:30"),
    (AUTUMN, datetime(2018, 10, 27, 22, 30, tzinfo=UTC), "03:30"),
])
async def test_a_booking_across_a_clock_change_lasts_what_it_says_on_its_local_day(
        fresh_dsn: str, day: date, utc_start: datetime, local_end: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        [veillee] = await register(app, VEILLEE)
        await app.collective.admit("DITP")
        booking_id, _ = await book(app, veillee, "DITP", day, "00:30", 240)
        await caught_up(app)
        [on_the_day] = (await queries.calendar_day(app.pool, veillee, day)).days
        [row] = on_the_day.bookings
        assert row["starts_at"] == utc_start and row["ends_at"] - row["starts_at"] == timedelta(hours=4)
        assert row["minutes"] == 240
        assert f"{local(row['ends_at']):%H:%M}" == local_end
        assert (await queries.calendar_day(app.pool, veillee, day - timedelta(days=1))).days[0].bookings == []
        week = (await queries.calendar_week(app.pool, veillee, day - timedelta(days=3))).days
        assert [d.day.weekday() for d in week] == list(range(7))
        assert {d.day: [b["booking_id"] for b in d.bookings] for d in week if d.bookings} == {day: [booking_id]}
        # The day's window is 22 h 59 (spring) or 24 h 59 (autumn) long, as the search sees it too.
        [window] = on_the_day.windows
        found = await queries.free_slots(app.pool, day, day, 30, 10)
        assert [(r["free_from"], r["free_until"]) for r in found.rows] == [
            (window.opens_at, row["starts_at"]), (row["ends_at"], window.closes_at)]
        assert window.closes_at - window.opens_at == timedelta(hours=23 if day == SPRING else 25, minutes=-1)
        assert [r["free_from"] for r in (await queries.free_slots(app.pool, day, day, 60, 10)).rows] == [
            row["ends_at"]]  # 00:00-00:30 is too short for an hour


async def test_the_free_slot_search_skips_closed_days_small_rooms_and_lengths_out_of_bounds(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        halle, atelier = await register(app, HALLE, ATELIER)
        await app.commands.execute(CloseSpaceDay(space_id=halle, day=THURSDAY, reason="assemblée générale"))
        await app.collective.admit("DITP")
        with pytest.raises(ClosedDay, match="assemblée générale"):
            await book(app, halle, "DITP", THURSDAY, "10:00", 60)
        await caught_up(app)
        spaces = lambda page: [(r["space_id"], r["day"]) for r in page.rows]  # noqa: E731
        # in time order: the atelier opens at 10:00 on Thursday, the halle at 09:00 on Friday
        assert spaces(await queries.free_slots(app.pool, THURSDAY, FRIDAY, 60, 10)) == [
            (atelier, THURSDAY), (halle, FRIDAY), (atelier, FRIDAY)]
        assert spaces(await queries.free_slots(app.pool, THURSDAY, FRIDAY, 60, 13)) == [(halle, FRIDAY)]
        assert spaces(await queries.free_slots(app.pool, THURSDAY, FRIDAY, 240, 10)) == [(halle, FRIDAY)]  # atelier: 180 max
        assert spaces(await queries.free_slots(app.pool, THURSDAY, FRIDAY, 45, 10)) == [(atelier, THURSDAY),
                                                                                         (atelier, FRIDAY)]
        first = await queries.free_slots(app.pool, THURSDAY, FRIDAY, 60, 10, requested_size=2)
        rest = await queries.free_slots(app.pool, THURSDAY, FRIDAY, 60, 10, page_token=first.next_page_token)
        assert len(first.rows) == 2 and len(rest.rows) == 1 and first.total_size == 3 and not rest.next_page_token


@pytest.mark.parametrize("wall", ["2018-03-25 02:30", "2018-10-28 02:30", "2018-10-28 01:59", "2018-03-25 03:00"])
async def test_postgres_and_the_decider_read_a_window_bound_as_the_same_instant(fresh_dsn: str, wall: str) -> None:
    # The free-slot search computes opening windows in SQL, the decider in Python: a bound in the
    # spring gap or the autumn fold must mean the same instant to both.
    day, at = date.fromisoformat(wall[:10]), datetime.strptime(wall[11:], "%H:%M").time()
    opens, _ = window_instants(day, OpeningWindow(weekday=Weekday.of(day), opens=at, closes=time(23, 59)))
    pool = await create_pool(fresh_dsn, max_size=1)
    try:
        in_sql = await pool.fetchval("SELECT ($1::date + $2::time) AT TIME ZONE $3", day, at, VENUE_TIME_ZONE.key)
    finally:
        await pool.close()
    assert in_sql == opens
