"""Event registry, upcasters and the Kafka codec."""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from shared.contracts.bookings import BOOKINGS_EVENTS, bookings_registry
from shared.contracts.cohorts import COHORT_EVENTS, cohorts_registry
from shared.contracts.funding import FUNDING_EVENTS, funding_registry
from shared.events.base import DomainEvent
from shared.events.codec import decode_value, header, to_kafka
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, EventRegistry, UnknownEventType


class RoomBooked(DomainEvent):
    event_type: ClassVar[str] = "test.RoomBooked"
    schema_version: ClassVar[int] = 3
    room: str
    seats: int


def registry() -> EventRegistry:
    r = EventRegistry([RoomBooked])
    r.upcaster("test.RoomBooked", 1)(lambda d: {**d, "seats": d.pop("people", 0)})
    r.upcaster("test.RoomBooked", 2)(lambda d: {**d, "room": d["room"].upper()})
    return r


def test_old_versions_are_upcast_through_every_step() -> None:
    event = registry().decode("test.RoomBooked", 1, {"room": "agora", "people": 40})
    assert event == RoomBooked(room="AGORA", seats=40)


def test_the_current_version_loads_as_is_and_unknown_fields_are_ignored() -> None:
    event = registry().decode("test.RoomBooked", 3, {"room": "agora", "seats": 4, "added_later": True})
    assert event == RoomBooked(room="agora", seats=4)


def test_unknown_type_newer_version_and_bad_payload_are_refused() -> None:
    with pytest.raises(UnknownEventType):
        registry().decode("test.Nope", 1, {})
    with pytest.raises(EventDecodeError, match="newer"):
        registry().decode("test.RoomBooked", 4, {"room": "a", "seats": 1})
    with pytest.raises(EventDecodeError):
        registry().decode("test.RoomBooked", 3, {"room": "a", "seats": "many"})


def test_a_type_name_is_registered_once() -> None:
    class Other(DomainEvent):
        event_type: ClassVar[str] = "test.RoomBooked"

    with pytest.raises(ValueError, match="twice"):
        EventRegistry([RoomBooked, Other])


def test_encode_uses_the_stable_type_name_never_the_import_path() -> None:
    assert EventRegistry.encode(RoomBooked(room="a", seats=2)) == ("test.RoomBooked", 3, {"room": "a", "seats": 2})


def envelope() -> Envelope:
    now = datetime(2018, 3, 1, 9, 0, tzinfo=UTC)
    return Envelope(event_id=uuid.uuid4(), type="test.RoomBooked", schema_version=3, stream_id="room-1",
                    stream_type="test.Room", version=2, position=17, occurred_at=now, recorded_at=now,
                    correlation_id="corr-1", causation_id=None, producer="bookings",
                    data={"room": "a", "seats": 2})


def test_kafka_record_round_trips_with_routing_headers() -> None:
    env = envelope()
    key, value, headers = to_kafka(env)
    assert key == b"room-1"
    assert decode_value(value) == env
    assert header(headers, "type") == "test.RoomBooked"
    assert header(headers, "event_id") == str(env.event_id)
    assert header(headers, "correlation_id") == "corr-1"


@pytest.mark.parametrize("value", [None, b"", b"not json", b'{"type": "x"}', b"\xff\xfe"])
def test_undecodable_values_raise_a_decode_error(value) -> None:
    with pytest.raises(EventDecodeError):
        decode_value(value)


# --- every service's stored event versions keep loading -----------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"
# service -> (its public events, a fresh registry of them); one line per service's contract.
CONTRACTS: dict[str, tuple[tuple[type[DomainEvent], ...], Callable[[], EventRegistry]]] = {
    "cohorts": (COHORT_EVENTS, cohorts_registry),
    "funding": (FUNDING_EVENTS, funding_registry),
    "bookings": (BOOKINGS_EVENTS, bookings_registry),
}
STORED = [(service, path) for service in CONTRACTS for path in sorted((FIXTURES / service).glob("*.json"))]


def _fixture(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("service", sorted(CONTRACTS))
def test_every_version_of_every_event_has_a_fixture(service) -> None:
    events, _registry = CONTRACTS[service]
    kept = {(f["type"], f["schema_version"]) for f in map(_fixture, (FIXTURES / service).glob("*.json"))}
    written = {(model.event_type, version) for model in events for version in range(1, model.schema_version + 1)}
    assert written <= kept, f"add a fixture in tests/fixtures/events/{service} for each version: {written - kept}"


@pytest.mark.parametrize(("service", "path"), STORED, ids=lambda p: getattr(p, "name", p))
def test_every_stored_fixture_still_loads(service, path) -> None:
    stored = _fixture(path)
    registry = CONTRACTS[service][1]()
    event = registry.decode(stored["type"], stored["schema_version"], stored["data"])
    assert event.event_type == stored["type"]
    if stored["schema_version"] == type(event).schema_version:
        assert registry.encode(event)[2] == stored["data"]  # current versions round-trip exactly
