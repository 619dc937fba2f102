"""Bookings, cancellations and closures of a space-day: given events / when command / then
events or the refusal, which names the rule it breaks."""
from __future__ import annotations

from datetime import date, time

import pytest

from services.bookings.domain import Booker, CancelBooking, CloseSpaceDay, OnDay, ReopenSpaceDay
from services.bookings.domain.refusals import (
    ClosedDay,
    DayHasBookings,
    LengthOutOfBounds,
    NotAnActiveMember,
    OutsideOpeningHours,
    OverCapacity,
    OverQuota,
    SlotTaken,
)
from shared.contracts.bookings import BookingCancelled, SpaceDayClosed, SpaceDayReopened
from shared.domain.errors import AlreadyExists, NotFound
from tests.unit.bookings.examples import (
    DEMOCRATIE_OUVERTE,
    DITP,
    HALLE,
    HALLE_ID,
    THURSDAY,
    active,
    book,
    booked,
    days,
    on_halle,
    utc,
)

MORNING = book("10:00", 120)
morning_booked = booked(MORNING)
closed = SpaceDayClosed(space_id=HALLE_ID, day=THURSDAY, reason="assemblée générale du collectif")


# --- book -----------------------------------------------------------------------------


def test_book_a_slot_stores_its_exact_instants_and_its_local_day():
    state = days.given().when(on_halle(MORNING)).then(morning_booked)
    assert morning_booked.starts_at == utc(2018, 3, 15, 9) and morning_booked.ends_at == utc(2018, 3, 15, 11)
    assert [b.booking_id for b in state.live] == [MORNING.booking_id]
    assert state.space_id == HALLE_ID and state.day == THURSDAY


def test_slots_that_touch_do_not_overlap():
    after, before = book("12:00", 60, organisation=DEMOCRATIE_OUVERTE), book("09:00", 60)
    days.given(morning_booked).when(on_halle(after)).then(booked(after))
    days.given(morning_booked).when(on_halle(before)).then(booked(before))


@pytest.mark.parametrize(("start", "minutes"), [("10:00", 120), ("09:00", 90), ("11:59", 60), ("09:00", 240),
                                                ("10:30", 30 + 30)])
def test_an_overlapping_slot_is_refused_naming_the_slot_it_conflicts_with(start, minutes):
    other = book(start, minutes, organisation=DEMOCRATIE_OUVERTE)
    error = days.given(morning_booked).when(on_halle(other)).raises(SlotTaken, "overlaps another booking")
    assert "10:00-12:00" in error.message and str(MORNING.booking_id) in error.message
    assert error.subject == f"booking {MORNING.booking_id} 2018-03-15 10:00-12:00"


def test_a_cancelled_booking_frees_its_slot():
    cancelled = BookingCancelled(space_id=HALLE_ID, day=THURSDAY, booking_id=MORNING.booking_id,
                                 organisation_id=DITP, reason="reporté", starts_at=morning_booked.starts_at,
                                 ends_at=morning_booked.ends_at)
    again = book("10:00", 120, organisation=DEMOCRATIE_OUVERTE)
    days.given(morning_booked, cancelled).when(on_halle(again)).then(booked(again))


def test_the_same_booking_twice_already_exists():
    days.given(morning_booked).when(on_halle(MORNING)).raises(AlreadyExists)


def test_booking_an_unknown_space_is_not_found():
    days.given().when(OnDay(MORNING, None, active())).raises(NotFound)


@pytest.mark.parametrize("booker", [Booker(DITP, active_member=False), None])
def test_only_an_active_member_of_the_collective_can_book(booker):
    error = days.given().when(OnDay(MORNING, HALLE, booker)).raises(NotAnActiveMember, "active member")
    assert error.subject == f"organisation {DITP}"


def test_a_closed_day_is_refused_with_the_closure_reason():
    days.given(closed).when(on_halle(MORNING)).raises(ClosedDay, "closed that day.*assemblée générale")


def test_over_capacity_is_refused():
    days.given().when(on_halle(book("10:00", attendance=121))).raises(OverCapacity, "121 people .* holds 120")
    days.given().when(on_halle(book("10:00", attendance=120))).then(booked(book("10:00", attendance=120)))


@pytest.mark.parametrize("minutes", [59, 481])
def test_a_length_outside_the_space_bounds_is_refused(minutes):
    days.given().when(on_halle(book("10:00", minutes))).raises(LengthOutOfBounds, "60 to 480 minutes")


@pytest.mark.parametrize(("day", "start", "minutes"), [
    (THURSDAY, "08:00", 120),  # starts before opening
    (THURSDAY, "21:00", 120),  # ends after closing
    (THURSDAY, "06:00", 60),
    (date(2018, 3, 19), "10:00", 120),  # a Monday: closed all day
])
def test_outside_opening_hours_is_refused(day, start, minutes):
    error = days.given().when(on_halle(book(start, minutes, day=day))).raises(OutsideOpeningHours, "opening hours")
    assert ("closed all day" if day.weekday() == 0 else "open 09:00-22:00") in error.message


def test_a_slot_may_start_at_opening_and_end_at_closing():
    first, last = book("09:00", 120), book("20:00", 120)
    days.given().when(on_halle(first)).then(booked(first))
    days.given().when(on_halle(last)).then(booked(last))


def test_the_rules_are_those_of_the_space_given_with_the_decision():
    afternoons = HALLE.__class__(**{**HALLE.__dict__, "opening_hours": tuple(
        w.model_copy(update={"opens": time(14)}) for w in HALLE.opening_hours)})
    days.given().when(on_halle(MORNING, space_state=afternoons)).raises(OutsideOpeningHours, "open 14:00-22:00")


# --- quota ----------------------------------------------------------------------------


def test_within_the_monthly_quota_is_accepted():
    days.given().when(on_halle(MORNING, active(quota=10, elsewhere=8 * 60))).then(morning_booked)


def test_over_the_monthly_quota_is_refused_counting_other_days_and_this_one():
    afternoon = book("14:00", 120)
    # 7 h elsewhere + 2 h this morning + 2 h asked > 10 h
    error = days.given(morning_booked).when(on_halle(afternoon, active(quota=10, elsewhere=7 * 60))).raises(
        OverQuota, "monthly quota")
    assert "9 h of 10 h already booked in 2018-03, this booking needs 2 h" in error.message
    days.given(morning_booked).when(on_halle(afternoon, active(quota=11, elsewhere=7 * 60))).then(booked(afternoon))


def test_another_organisation_s_bookings_do_not_count_against_a_quota():
    other = book("14:00", 120, organisation=DEMOCRATIE_OUVERTE)
    days.given(morning_booked).when(on_halle(other, active(DEMOCRATIE_OUVERTE, quota=2))).then(booked(other))


def test_no_quota_means_no_limit():
    days.given().when(on_halle(MORNING, active(quota=None, elsewhere=10_000))).then(morning_booked)


# --- cancel ---------------------------------------------------------------------------

CANCEL = CancelBooking(booking_id=MORNING.booking_id, reason="  la salle est trop grande ")
morning_cancelled = BookingCancelled(space_id=HALLE_ID, day=THURSDAY, booking_id=MORNING.booking_id,
                                     organisation_id=DITP, reason="la salle est trop grande",
                                     starts_at=morning_booked.starts_at, ends_at=morning_booked.ends_at)


def test_cancel_a_booking_with_its_reason():
    state = days.given(morning_booked).when(OnDay(CANCEL)).then(morning_cancelled)
    assert state.live == [] and state.booking(MORNING.booking_id).cancelled


def test_cancelling_a_cancelled_booking_emits_nothing():
    days.given(morning_booked, morning_cancelled).when(OnDay(CANCEL)).then()


def test_cancelling_an_unknown_booking_is_not_found():
    days.given(booked(book("14:00"))).when(OnDay(CANCEL)).raises(NotFound)
    days.given().when(OnDay(CANCEL)).raises(NotFound)


# --- close / reopen -------------------------------------------------------------------

CLOSE = CloseSpaceDay(space_id=HALLE_ID, day=THURSDAY, reason="assemblée générale du collectif")
REOPEN = ReopenSpaceDay(space_id=HALLE_ID, day=THURSDAY)


def test_close_and_reopen_a_day():
    state = days.given().when(OnDay(CLOSE, HALLE)).then(closed)
    assert state.closed_reason == "assemblée générale du collectif"
    state = days.given(closed).when(OnDay(REOPEN)).then(SpaceDayReopened(space_id=HALLE_ID, day=THURSDAY))
    assert state.closed_reason is None
    days.given(closed, SpaceDayReopened(space_id=HALLE_ID, day=THURSDAY)).when(on_halle(MORNING)).then(morning_booked)


def test_closing_a_closed_day_or_reopening_an_open_one_emits_nothing():
    days.given(closed).when(OnDay(CLOSE, HALLE)).then()
    days.given().when(OnDay(REOPEN)).then()


def test_a_day_with_bookings_cannot_be_closed_until_they_are_cancelled():
    error = days.given(morning_booked).when(OnDay(CLOSE, HALLE)).raises(DayHasBookings, "cancel them first")
    assert "10:00-12:00" in error.message
    days.given(morning_booked, morning_cancelled).when(OnDay(CLOSE, HALLE)).then(closed)


def test_closing_a_day_of_an_unknown_space_is_not_found():
    days.given().when(OnDay(CLOSE, None)).raises(NotFound)
