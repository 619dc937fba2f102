"""ONE contract suite, run against the in-memory and the Postgres event store."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from shared.eventstore.base import NO_STREAM, EventStore, Snapshot, WrongExpectedVersion
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.events.envelope import NewEvent

pytestmark = pytest.mark.integration

PRODUCER = "contract-test"


@pytest.fixture(params=["memory", "postgres"])
def store_dsn(request: pytest.FixtureRequest) -> str | None:
    """None for the in-memory store, else a fresh database (asked for only when needed)."""
    return request.getfixturevalue("fresh_dsn") if request.param == "postgres" else None


@pytest.fixture
async def store(store_dsn: str | None) -> AsyncIterator[EventStore]:
    if store_dsn is None:
        yield InMemoryEventStore(producer=PRODUCER)
        return
    pg = await PostgresEventStore.connect(store_dsn, PRODUCER, max_size=4)
    await pg.migrate()
    try:
        yield pg
    finally:
        await pg.close()


def event(type_: str = "Happened", n: int = 0, **fields: object) -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), type=type_, data={"n": n, **fields},
                    occurred_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))


def stream() -> str:
    return f"member-{uuid.uuid4().hex[:8]}"


async def test_append_then_read_stream(store: EventStore) -> None:
    sid = stream()
    first = await store.append(sid, "member", NO_STREAM, [event(n=1), event(n=2)])
    second = await store.append(sid, "member", 2, [event(n=3)])
    assert (first.version, second.version) == (2, 3)
    assert second.position > first.position and not first.duplicate
    read = await store.read_stream(sid)
    assert [e.data["n"] for e in read] == [1, 2, 3]
    assert [e.version for e in read] == [1, 2, 3]
    assert [e.data["n"] for e in await store.read_stream(sid, from_version=2)] == [2, 3]
    assert await store.read_stream(stream()) == []


async def test_events_of_one_append_get_consecutive_versions_and_positions(store: EventStore) -> None:
    await store.append(stream(), "member", NO_STREAM, [event()])
    sid = stream()
    result = await store.append(sid, "member", NO_STREAM, [event(n=i) for i in range(5)])
    read = await store.read_stream(sid)
    assert [e.version for e in read] == [1, 2, 3, 4, 5]
    positions = [e.position for e in read]
    assert positions == list(range(positions[0], positions[0] + 5))
    assert result.position == positions[-1] == await store.last_position()


async def test_wrong_expected_version_raises_and_writes_nothing(store: EventStore) -> None:
    sid = stream()
    await store.append(sid, "member", NO_STREAM, [event()])
    before = await store.last_position()
    with pytest.raises(WrongExpectedVersion) as raised:
        await store.append(sid, "member", 3, [event(), event()])
    assert (raised.value.stream_id, raised.value.expected, raised.value.actual) == (sid, 3, 1)
    assert len(await store.read_stream(sid)) == 1
    assert await store.last_position() == before


async def test_no_stream_on_an_existing_stream_conflicts(store: EventStore) -> None:
    sid = stream()
    await store.append(sid, "member", NO_STREAM, [event()])
    with pytest.raises(WrongExpectedVersion):
        await store.append(sid, "member", NO_STREAM, [event()])
    assert len(await store.read_stream(sid)) == 1


async def test_any_version_skips_the_check(store: EventStore) -> None:
    sid = stream()
    await store.append(sid, "member", None, [event()])
    result = await store.append(sid, "member", None, [event()])
    assert result.version == 2


async def test_empty_append_is_refused(store: EventStore) -> None:
    with pytest.raises(ValueError):
        await store.append(stream(), "member", NO_STREAM, [])


async def test_retried_request_id_returns_first_result_and_writes_nothing(store: EventStore) -> None:
    sid = stream()
    first = await store.append(sid, "member", NO_STREAM, [event(), event()], request_id="req-1")
    before = await store.last_position()
    again = await store.append(sid, "member", NO_STREAM, [event()], request_id="req-1")
    assert again.duplicate and (again.stream_id, again.version, again.position) == (
        first.stream_id, first.version, first.position)
    assert await store.last_position() == before
    assert len(await store.read_stream(sid)) == 2
    assert await store.lookup_request("req-1") == again
    assert await store.lookup_request("req-unknown") is None


async def test_a_refused_request_can_be_retried(store: EventStore) -> None:
    sid = stream()
    await store.append(sid, "member", NO_STREAM, [event()])
    with pytest.raises(WrongExpectedVersion):
        await store.append(sid, "member", NO_STREAM, [event()], request_id="req-2")
    assert await store.lookup_request("req-2") is None
    result = await store.append(sid, "member", 1, [event()], request_id="req-2")
    assert result.version == 2 and not result.duplicate


async def test_concurrent_appends_to_one_new_stream_exactly_one_wins(store: EventStore) -> None:
    sid = stream()
    outcomes = await asyncio.gather(
        *(store.append(sid, "member", NO_STREAM, [event(n=i)]) for i in range(50)),
        return_exceptions=True)
    wins = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(wins) == 1
    assert all(isinstance(o, WrongExpectedVersion) for o in outcomes if o not in wins)
    assert len(await store.read_stream(sid)) == 1


async def test_concurrent_same_request_id_writes_once(store: EventStore) -> None:
    sid = stream()
    outcomes = await asyncio.gather(
        *(store.append(sid, "member", NO_STREAM, [event()], request_id="req-same") for _ in range(20)))
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len({(o.version, o.position) for o in outcomes}) == 1
    assert len(await store.read_stream(sid)) == 1


async def test_concurrent_appends_to_different_streams_all_succeed(store: EventStore) -> None:
    streams = [stream() for _ in range(50)]
    results = await asyncio.gather(
        *(store.append(sid, "member", NO_STREAM, [event(), event()]) for sid in streams))
    positions = sorted(r.position for r in results)
    assert len(set(positions)) == 50 and all(r.version == 2 for r in results)
    everything = await store.read_all(0, 1000)
    assert len(everything) == 100
    assert [e.position for e in everything] == sorted({e.position for e in everything})
    assert {r.position for r in results} <= {e.position for e in everything}


async def test_read_all_pages_in_position_order(store: EventStore) -> None:
    for i in range(7):
        await store.append(stream(), "member", NO_STREAM, [event(n=i), event(n=i)])
    pages, after = [], 0
    while page := await store.read_all(after, limit=3):
        assert len(page) <= 3
        pages.append(page)
        after = page[-1].position
    flat = [e for page in pages for e in page]
    assert len(flat) == 14 and len(pages) == 5
    assert [e.position for e in flat] == sorted(e.position for e in flat)
    assert flat == await store.read_all(0, 100)
    assert after == await store.last_position()
    batches = [b async for b in store.iter_batches(after_position=flat[3].position, batch_size=4)]
    assert [len(b) for b in batches] == [4, 4, 2]
    assert [e for b in batches for e in b] == flat[4:]


async def test_empty_store(store: EventStore) -> None:
    assert await store.last_position() == 0
    assert await store.read_all() == []
    assert [b async for b in store.iter_batches()] == []


async def test_snapshot_round_trip(store: EventStore) -> None:
    sid = stream()
    assert await store.load_snapshot(sid) is None
    state = {"status": "active", "dues": [2025, 2026], "nested": {"cents": 12000}}
    await store.save_snapshot(Snapshot(sid, 7, state))
    assert await store.load_snapshot(sid) == Snapshot(sid, 7, state)
    await store.save_snapshot(Snapshot(sid, 9, {"status": "lapsed"}))
    await store.save_snapshot(Snapshot(sid, 8, {"status": "older"}))  # an older one never wins
    assert await store.load_snapshot(sid) == Snapshot(sid, 9, {"status": "lapsed"})


async def test_envelope_fields_round_trip(store: EventStore) -> None:
    sid = stream()
    new = NewEvent(event_id=uuid.uuid4(), type="MemberAdmitted", schema_version=2,
                   data={"name": "Ville de Brest", "tags": ["élu", "agent"], "cents": 12000,
                         "ok": True, "none": None},
                   occurred_at=datetime(2026, 1, 15, 8, 0, tzinfo=UTC),
                   correlation_id="corr-1", causation_id="cause-1")
    started = datetime.now(UTC)
    result = await store.append(sid, "member", NO_STREAM, [new], request_id="req-env")
    [stored] = await store.read_stream(sid)
    assert stored.event_id == new.event_id and isinstance(stored.event_id, uuid.UUID)
    assert (stored.type, stored.schema_version, stored.data) == (new.type, 2, new.data)
    assert (stored.stream_id, stored.stream_type, stored.version) == (sid, "member", 1)
    assert stored.position == result.position
    assert stored.occurred_at == new.occurred_at and stored.occurred_at.tzinfo is not None
    assert started - timedelta(seconds=5) <= stored.recorded_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert (stored.correlation_id, stored.causation_id) == ("corr-1", "cause-1")
    assert stored.producer == PRODUCER
    [from_all] = await store.read_all(result.position - 1, 1)
    assert from_all == stored
    assert stored.model_dump(mode="json")["event_id"] == str(new.event_id)
