"""Spaces and organisations: given events / when command / then events or error."""
from __future__ import annotations

from datetime import time

from services.bookings.domain import RegisterSpace, SetMonthlyQuota, UpdateSpace, organisation, registration_space_id
from services.bookings.domain.state import initial_organisation
from shared.contracts.bookings import MonthlyQuotaSet, OpeningWindow, SpaceUpdated, Weekday
from shared.domain.errors import AlreadyExists, InvalidArgument, NotFound
from tests.unit.bookings.examples import DITP, HALLE_ID, REGISTER_HALLE, halle_registered, spaces
from tests.unit.given_when_then import Scenario

organisations = Scenario(initial_organisation, organisation.evolve, organisation.decide)


def test_register_a_space_with_its_hours_in_week_order():
    state = spaces.given().when(REGISTER_HALLE).then(halle_registered)
    assert registration_space_id(REGISTER_HALLE) == HALLE_ID
    assert [w.weekday for w in state.opening_hours][0] is Weekday.TUESDAY


def test_register_a_space_twice_already_exists_whatever_the_spelling():
    again = RegisterSpace(**{**REGISTER_HALLE.__dict__, "name": "la grande-halle"})
    assert registration_space_id(again) == HALLE_ID
    spaces.given(halle_registered).when(again).raises(AlreadyExists, "La Grande Halle")


def test_update_emits_only_the_rules_that_changed():
    saturday_late = [{"weekday": "saturday", "opens": "10:00", "closes": "23:30"}]
    cmd = UpdateSpace(space_id=HALLE_ID, capacity=100, min_length_minutes=60, opening_hours=saturday_late)
    state = spaces.given(halle_registered).when(cmd).then(SpaceUpdated(
        space_id=HALLE_ID, capacity=100,
        opening_hours=(OpeningWindow(weekday=Weekday.SATURDAY, opens=time(10), closes=time(23, 30)),)))
    assert state.capacity == 100 and state.min_length_minutes == 60


def test_update_with_nothing_new_emits_nothing():
    same_hours = [{"weekday": w.weekday.value, "opens": w.opens, "closes": w.closes}
                  for w in halle_registered.opening_hours]
    spaces.given(halle_registered).when(UpdateSpace(space_id=HALLE_ID, capacity=120, opening_hours=same_hours)).then()


def test_update_cannot_leave_the_minimum_above_the_maximum():
    error = spaces.given(halle_registered).when(UpdateSpace(space_id=HALLE_ID, min_length_minutes=500)).raises(
        InvalidArgument)
    assert [v.field for v in error.violations] == ["min_length_minutes"]
    assert "480" in error.violations[0].description


def test_update_an_unknown_space_is_not_found():
    spaces.given().when(UpdateSpace(space_id=HALLE_ID, capacity=10)).raises(NotFound)


def test_set_change_and_remove_a_monthly_quota():
    set_20 = SetMonthlyQuota(organisation_id=DITP, hours=20)
    state = organisations.given().when(set_20).then(MonthlyQuotaSet(organisation_id=DITP, hours=20))
    assert state.monthly_quota_hours == 20
    organisations.given(MonthlyQuotaSet(organisation_id=DITP, hours=20)).when(set_20).then()
    organisations.given(MonthlyQuotaSet(organisation_id=DITP, hours=20)).when(
        SetMonthlyQuota(organisation_id=DITP)).then(MonthlyQuotaSet(organisation_id=DITP, hours=None))
    organisations.given().when(SetMonthlyQuota(organisation_id=DITP)).then()
