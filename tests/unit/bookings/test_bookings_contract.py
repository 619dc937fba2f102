"""The public contract: identities and stream ids stay stable, instants travel in UTC.
(That every stored event version keeps loading is tests/unit/test_events.py's, for every service.)"""
from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

from shared.contracts.bookings import (
    BOOKINGS_EVENTS,
    SpaceBooked,
    Weekday,
    booking_id_for,
    bookings_registry,
    organisation_stream_id,
    space_day_stream_id,
    space_id_for,
    space_stream_id,
)
from tests.unit.bookings.examples import HALLE_ID, halle_registered
from tests.unit.bookings.test_space_day_decider import morning_booked

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events" / "bookings"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_fixtures_hold_the_examples():
    registry = bookings_registry()
    for event in (halle_registered, morning_booked):
        stored = load(FIXTURES / f"{type(event).__name__}.v1.json")
        assert registry.decode(stored["type"], 1, stored["data"]) == event


def test_instants_are_stored_in_utc_and_read_back_as_the_same_instants():
    data = load(FIXTURES / "SpaceBooked.v1.json")["data"]
    assert data["starts_at"] == "2018-03-15T09:00:00Z"  # 10:00 in Paris
    shifted = {**data, "starts_at": "2018-03-15T10:00:00+01:00", "ends_at": "2018-03-15T12:00:00+01:00"}
    assert bookings_registry().decode(SpaceBooked.event_type, 1, shifted) == morning_booked


def test_a_reader_ignores_fields_it_does_not_know():
    data = {**load(FIXTURES / "SpaceBooked.v1.json")["data"], "added_later": {"x": 1}}
    assert bookings_registry().decode(SpaceBooked.event_type, 1, data) == morning_booked


def test_type_strings_are_stable_and_not_import_paths():
    assert {m.event_type for m in BOOKINGS_EVENTS} == {
        "bookings.SpaceRegistered", "bookings.SpaceUpdated", "bookings.SpaceBooked", "bookings.BookingCancelled",
        "bookings.SpaceDayClosed", "bookings.SpaceDayReopened", "bookings.MonthlyQuotaSet",
    }


def test_each_registry_is_fresh():
    assert bookings_registry() is not bookings_registry()


def test_ids_and_stream_ids_are_pinned():
    # Changing a namespace, the name normalisation or a stream id's shape orphans stored streams.
    assert space_id_for("La Grande Halle") == uuid.UUID("3be9408b-4897-51f7-aa1d-10b3e1c6b976") == HALLE_ID
    assert space_id_for("  la grande-HALLE ") == HALLE_ID
    assert booking_id_for("book-1") == uuid.UUID("058ba173-c4c6-520a-85b6-d9961167263e")
    assert space_stream_id(HALLE_ID) == "space/3be9408b-4897-51f7-aa1d-10b3e1c6b976"
    assert space_day_stream_id(HALLE_ID, date(2018, 3, 15)) == "space/3be9408b-4897-51f7-aa1d-10b3e1c6b976/2018-03-15"
    assert organisation_stream_id(HALLE_ID).startswith("organisation/")


def test_weekdays_follow_iso_numbering():
    assert [d.iso for d in Weekday] == list(range(1, 8))
    assert Weekday.of(date(2018, 3, 25)) is Weekday.SUNDAY
