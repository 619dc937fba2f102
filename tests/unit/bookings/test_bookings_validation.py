"""Bad input is refused with InvalidArgument naming every offending field at its path (the
commands are pydantic models of the kit's and bookings' field types, built as the API does)."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from services.bookings.domain import (
    BookSpace,
    CancelBooking,
    CloseSpaceDay,
    RegisterSpace,
    SetMonthlyQuota,
    UpdateSpace,
)
from shared.domain.errors import InvalidArgument
from shared.domain.fields import parse
from tests.unit.bookings.examples import DITP, HALLE_ID

HUGE = "x" * 100_000
MONDAY_9_TO_5 = {"weekday": "monday", "opens": "09:00", "closes": "17:00"}


def refused(model, **fields) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        parse(model, **fields)
    return {v.field: v.description for v in caught.value.violations}


def register(**overrides):
    fields = dict(name="Salle Belleville", capacity=30, opening_hours=[MONDAY_9_TO_5],
                  min_length_minutes=30, max_length_minutes=240)
    return {**fields, **overrides}


def booking(**overrides):
    fields = dict(booking_id=uuid.uuid4(), space_id=HALLE_ID, organisation_id=DITP, day=date(2018, 3, 15),
                  start="10:00", length_minutes=90, title="Atelier", attendance=12)
    return {**fields, **overrides}


def test_valid_commands_pass():
    assert parse(RegisterSpace, **register()).opening_hours[0].opens == time(9)
    assert parse(BookSpace, **booking(start=(10, 0))).start == time(10)
    assert parse(BookSpace, **booking(start=time(10, 15))).start == time(10, 15)


@pytest.mark.parametrize(("overrides", "field", "says"), [
    ({"name": ""}, "name", "must not be empty"),
    ({"name": "--"}, "name", "letter or digit"),
    ({"name": HUGE}, "name", "at most 200"),
    ({"capacity": 0}, "capacity", "between 1 and 5000"),
    ({"capacity": "30"}, "capacity", "must be an integer"),
    ({"capacity": True}, "capacity", "must be an integer"),
    ({"min_length_minutes": 0}, "min_length_minutes", "between 1 and 1440"),
    ({"max_length_minutes": 1441}, "max_length_minutes", "between 1 and 1440"),
    ({"max_length_minutes": 20}, "max_length_minutes", "at least min_length_minutes"),
    ({"opening_hours": "monday"}, "opening_hours", "list of opening windows"),
    ({"opening_hours": [MONDAY_9_TO_5] * 29}, "opening_hours", "at most 28"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "weekday": "lundi"}]}, "opening_hours[0].weekday", "unknown value 'lundi'"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "opens": "9h"}]}, "opening_hours[0].opens", "HH:MM"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "opens": "25:00"}]}, "opening_hours[0].opens", "between 00:00 and 23:59"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "opens": time(9, 0, 30)}]}, "opening_hours[0].opens", "on the minute"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "closes": "09:00"}]}, "opening_hours[0].closes", "after opens"),
    ({"opening_hours": [{**MONDAY_9_TO_5, "closes": "08:00"}]}, "opening_hours[0].closes", "after opens"),
])
def test_space_field_violations(overrides, field, says):
    assert says in refused(RegisterSpace, **register(**overrides))[field]


def test_overlapping_windows_of_one_weekday_are_refused_at_the_later_one():
    hours = [MONDAY_9_TO_5, {"weekday": "tuesday", "opens": "08:00", "closes": "10:00"},
             {"weekday": "monday", "opens": "16:00", "closes": "20:00"},
             {"weekday": "monday", "opens": "17:00", "closes": "18:00"}]
    found = refused(RegisterSpace, **register(opening_hours=hours))
    assert found == {"opening_hours[2].opens": "overlaps the monday window 09:00-17:00",
                     "opening_hours[3].opens": "overlaps the monday window 16:00-20:00"}


def test_windows_that_touch_are_fine():
    hours = [MONDAY_9_TO_5, {"weekday": "monday", "opens": "17:00", "closes": "22:00"}]
    assert len(parse(RegisterSpace, **register(opening_hours=hours)).opening_hours) == 2


def test_every_violation_of_a_space_is_reported_at_once():
    found = refused(RegisterSpace, **register(name="", capacity=-1, max_length_minutes=0,
                                               opening_hours=[{**MONDAY_9_TO_5, "closes": "07:00"}, 42]))
    assert set(found) == {"name", "capacity", "max_length_minutes", "opening_hours[0].closes", "opening_hours[1]"}


def test_an_update_validates_the_rules_it_changes():
    found = refused(UpdateSpace, space_id="not-a-uuid", capacity=0, min_length_minutes=90, max_length_minutes=60)
    assert set(found) == {"space_id", "capacity", "max_length_minutes"}


@pytest.mark.parametrize(("overrides", "field", "says"), [
    ({"space_id": "salle"}, "space_id", "must be a UUID"),
    ({"organisation_id": None}, "organisation_id", "must be a UUID"),
    ({"day": (2018, 2, 30)}, "day", "not a calendar date"),
    ({"day": datetime(2018, 3, 15, 10)}, "day", "calendar date"),
    ({"start": "24:00"}, "start", "between 00:00 and 23:59"),
    ({"start": time(10, tzinfo=UTC)}, "start", "no time zone"),
    ({"length_minutes": 0}, "length_minutes", "between 1 and 1440"),
    ({"length_minutes": 90.0}, "length_minutes", "must be an integer"),
    ({"title": " "}, "title", "must not be empty"),
    ({"title": HUGE}, "title", "at most 200"),
    ({"attendance": 0}, "attendance", "between 1 and 5000"),
])
def test_booking_field_violations(overrides, field, says):
    assert says in refused(BookSpace, **booking(**overrides))[field]


def test_every_violation_of_a_booking_is_reported_at_once():
    found = refused(BookSpace, **booking(space_id="x", start="9", length_minutes=-5, title="", attendance=None))
    assert set(found) == {"space_id", "start", "length_minutes", "title", "attendance"}


def test_cancellations_closures_and_quotas_are_validated():
    assert set(refused(CancelBooking, booking_id="b", reason=HUGE)) == {"booking_id", "reason"}
    assert set(refused(CloseSpaceDay, space_id=HALLE_ID, day=date(1999, 1, 1), reason="")) == {"day", "reason"}
    assert "between 1 and 744" in refused(SetMonthlyQuota, organisation_id=DITP, hours=0)["hours"]


def test_unknown_fields_are_refused():
    assert "not a field" in refused(BookSpace, **booking(), colour="blue")["colour"]
