"""The two nights a year the clocks change in Paris: a booking lasts exactly what it says, and
appears on the local day it was booked for, which is not always its UTC date.

2018-03-25: at 02:00 the clocks go forward to 03:00 (UTC+1 -> UTC+2).
2018-10-28: at 03:00 the clocks go back to 02:00 (UTC+2 -> UTC+1).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from services.bookings.domain import BookSpace
from services.bookings.domain.refusals import OutsideOpeningHours
from services.bookings.domain.venue_time import (
    NoSuchLocalTime,
    instants,
    local,
    local_day,
    local_instant,
    month_bounds,
    window_instants,
)
from shared.contracts.bookings import OpeningWindow, Weekday
from shared.domain.errors import InvalidArgument
from shared.domain.fields import parse
from tests.unit.bookings.examples import NIGHT, NIGHT_ID, book, booked, days, on_halle, utc

SPRING, AUTUMN = date(2018, 3, 25), date(2018, 10, 28)
THURSDAY_2018_03_15 = date(2018, 3, 15)


def test_across_the_spring_change_four_hours_end_five_wall_clock_hours_later():
    night = book("00:30", 4 * 60, day=SPRING, space_id=NIGHT_ID)
    event = booked(night)
    days.given().when(on_halle(night, space_state=NIGHT)).then(event)
    assert event.ends_at - event.starts_at == timedelta(hours=4)
    assert event.starts_at == utc(2018, 3, 24, 23, 30)  # UTC still says the 24th
    assert event.day == SPRING == local_day(event.starts_at)
    assert f"{local(event.ends_at):%H:%M}" == "05:30"


def test_across_the_autumn_change_four_hours_end_three_wall_clock_hours_later():
    night = book("00:30", 4 * 60, day=AUTUMN, space_id=NIGHT_ID)
    event = booked(night)
    days.given().when(on_halle(night, space_state=NIGHT)).then(event)
    assert event.ends_at - event.starts_at == timedelta(hours=4)
    assert event.starts_at == utc(2018, 10, 27, 22, 30)  # UTC still says the 27th
    assert event.day == AUTUMN == local_day(event.starts_at)
    assert f"{local(event.ends_at):%H:%M}" == "03:30"


def test_a_whole_night_fits_the_opening_window_of_a_short_or_long_day():
    # 00:00-23:59 lasts 22 h 59 on the spring day and 24 h 59 on the autumn day.
    for day, hours in ((SPRING, 12), (AUTUMN, 12)):
        slot = book("00:00", hours * 60, day=day, space_id=NIGHT_ID)
        days.given().when(on_halle(slot, space_state=NIGHT)).then(booked(slot))


def test_the_local_day_not_the_utc_date_decides_the_opening_hours():
    # Open on Sundays only: 00:30 on Sunday 25 March in Paris is 23:30 on Saturday in UTC.
    sundays_only = replace(NIGHT, opening_hours=tuple(w for w in NIGHT.opening_hours if w.weekday is Weekday.SUNDAY))
    early = book("00:30", 60, day=SPRING, space_id=NIGHT_ID)
    days.given().when(on_halle(early, space_state=sundays_only)).then(booked(early))
    saturday = book("20:00", 60, day=date(2018, 3, 24), space_id=NIGHT_ID)
    days.given().when(on_halle(saturday, space_state=sundays_only)).raises(OutsideOpeningHours, "closed all day")


def test_a_start_in_the_spring_gap_or_the_autumn_fold_is_refused_on_the_field():
    with pytest.raises(NoSuchLocalTime, match="does not exist"):
        local_instant(SPRING, book("00:00").start.replace(hour=2, minute=30))
    with pytest.raises(NoSuchLocalTime, match="happens twice"):
        local_instant(AUTUMN, book("00:00").start.replace(hour=2, minute=30))
    for day in (SPRING, AUTUMN):
        fields = {**book("00:00", day=day).__dict__, "start": "02:30"}
        with pytest.raises(InvalidArgument) as refused:
            parse(BookSpace, **fields)
        assert [v.field for v in refused.value.violations] == ["start"]


def test_the_hour_after_each_change_is_one_instant():
    assert local_instant(SPRING, book("03:00").start) == utc(2018, 3, 25, 1)
    assert local_instant(AUTUMN, book("03:00").start) == utc(2018, 10, 28, 2)
    assert local_instant(AUTUMN, book("01:59").start) == utc(2018, 10, 27, 23, 59)


def test_a_month_runs_from_local_midnight_to_local_midnight():
    assert month_bounds(date(2018, 3, 15)) == (utc(2018, 2, 28, 23), utc(2018, 3, 31, 22))  # ends in summer time
    assert month_bounds(date(2018, 12, 31)) == (utc(2018, 11, 30, 23), utc(2018, 12, 31, 23))


def test_a_wall_clock_time_names_one_instant_none_or_two():
    assert instants(THURSDAY_2018_03_15, time(2, 30)) == [utc(2018, 3, 15, 1, 30)]
    assert instants(SPRING, time(2, 30)) == []
    assert instants(AUTUMN, time(2, 30)) == [utc(2018, 10, 28, 0, 30), utc(2018, 10, 28, 1, 30)]


def test_a_window_bound_at_2am_on_a_change_night_is_read_as_postgres_reads_it():
    # (tests/integration/test_bookings_application.py checks it against Postgres itself)
    def opens(day: date, at: time):
        return window_instants(day, OpeningWindow(weekday=Weekday.of(day), opens=at, closes=time(23, 59)))[0]

    assert opens(SPRING, time(2, 30)) == utc(2018, 3, 25, 1, 30)  # the offset before the change: 03:30 CEST
    assert opens(AUTUMN, time(2, 30)) == utc(2018, 10, 28, 1, 30)  # the later 02:30, in CET
