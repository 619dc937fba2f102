"""occurred_at is the business instant a command names, else when it was recorded."""
from __future__ import annotations

from datetime import UTC, date, datetime

from shared.application.business_time import occurred_at
from services.membership.domain import AdmitMember, RenewDues

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def admission(on: date) -> AdmitMember:
    return AdmitMember(scheme="association", kind="commune", name="Ville de Mulhouse", admitted_on=on)


def test_a_past_date_is_the_start_of_that_day_in_paris():
    instant = occurred_at(admission(date(2018, 1, 15)), NOW)
    assert instant == datetime(2018, 1, 14, 23, 0, tzinfo=UTC)  # midnight in Paris (UTC+1 in winter)
    assert occurred_at(admission(date(2016, 6, 1)), NOW) == datetime(2016, 5, 31, 22, 0, tzinfo=UTC)  # UTC+2


def test_today_or_no_date_is_the_recording_time():
    assert occurred_at(admission(date(2026, 12, 1)), NOW) == NOW
    assert occurred_at(RenewDues(member_id="6f1c2a0e-27e0-5b1a-9c3d-2f7e27e27e27", year=2019), NOW) == NOW
    assert occurred_at("a command without fields", NOW) == NOW
