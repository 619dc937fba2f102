"""The shared command handler over the in-memory store: retries, conflicts, optimistic creation."""
from __future__ import annotations

import asyncio
from typing import ClassVar

import pytest

from shared.application.command_handler import CommandHandler
from shared.application.decider import Decider
from shared.domain.errors import AlreadyExists, ConcurrencyConflict, PreconditionFailed
from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry
from shared.eventstore.memory import InMemoryEventStore


class Opened(DomainEvent):
    event_type: ClassVar[str] = "test.Opened"


class Closed(DomainEvent):
    event_type: ClassVar[str] = "test.Closed"


def decide(state: str | None, command: str) -> list[DomainEvent]:
    if command == "open":
        if state is not None:
            raise AlreadyExists("already opened")
        return [Opened()]
    if command == "close":
        if state == "closed":
            raise PreconditionFailed("already closed")
        return [Closed()]
    if command == "touch":
        return []
    raise ValueError(command)


def evolve(state: str | None, event: DomainEvent) -> str | None:
    return {"test.Opened": "open", "test.Closed": "closed"}.get(event.event_type, state)


DOOR = Decider("test.Door", None, evolve, decide)


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore("test")


@pytest.fixture
def handler(store: InMemoryEventStore) -> CommandHandler:
    return CommandHandler(store, EventRegistry([Opened, Closed]), DOOR)


async def test_a_retried_request_answers_the_first_result_and_stores_nothing(handler, store) -> None:
    first = await handler.handle("door-1", "open", request_id="r1", assume_new=True)
    again = await handler.handle("door-1", "open", request_id="r1", assume_new=True)
    assert (again.version, again.position, again.duplicate) == (first.version, first.position, True)
    assert len(await store.read_stream("door-1")) == 1


async def test_a_retry_whose_decision_is_now_refused_still_answers_the_first_result(handler, store) -> None:
    await handler.handle("door-1", "open", request_id="r1")
    closed = await handler.handle("door-1", "close", request_id="r2")
    retry = await handler.handle("door-1", "close", request_id="r2")
    assert retry.duplicate and retry.position == closed.position
    with pytest.raises(PreconditionFailed):
        await handler.handle("door-1", "close", request_id="r3")  # a new intent is refused
    assert len(await store.read_stream("door-1")) == 2


async def test_optimistic_creation_of_an_existing_stream_decides_on_the_real_state(handler) -> None:
    await handler.handle("door-1", "open", request_id="r1", assume_new=True)
    with pytest.raises(AlreadyExists):
        await handler.handle("door-1", "open", request_id="r2", assume_new=True)


async def test_racing_creations_give_exactly_one_success(handler, store) -> None:
    results = await asyncio.gather(
        *(handler.handle("door-1", "open", request_id=f"r{i}", assume_new=True) for i in range(20)),
        return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, AlreadyExists) for r in results if isinstance(r, Exception))
    assert len(await store.read_stream("door-1")) == 1


async def test_an_expected_version_that_is_not_current_is_a_conflict(handler, store) -> None:
    await handler.handle("door-1", "open")
    with pytest.raises(ConcurrencyConflict):
        await handler.handle("door-1", "close", expected_version=5)
    assert len(await store.read_stream("door-1")) == 1


async def test_a_command_that_decides_nothing_returns_the_stream_end_as_token(handler) -> None:
    opened = await handler.handle("door-1", "open")
    touched = await handler.handle("door-1", "touch")
    assert (touched.version, touched.position, touched.events) == (opened.version, opened.position, ())



class CountingStore(InMemoryEventStore):
    """Remembers the version each stream read started from."""

    def __init__(self) -> None:
        super().__init__("test")
        self.reads: list[tuple[str, int]] = []

    async def read_stream(self, stream_id: str, from_version: int = 1):
        self.reads.append((stream_id, from_version))
        return await super().read_stream(stream_id, from_version)


async def test_a_kept_state_is_read_on_from_its_version_and_sees_other_writers() -> None:
    store = CountingStore()
    here, elsewhere = (CommandHandler(store, EventRegistry([Opened, Closed]), DOOR) for _ in range(2))
    await here.handle("door-1", "open", assume_new=True)
    await here.handle("door-1", "touch")  # loads (version 1) and keeps it
    await elsewhere.handle("door-1", "close")  # another process's append
    store.reads.clear()
    state, version, _ = await here.load("door-1")
    assert store.reads == [("door-1", 2)]  # only what came after the kept version
    assert (state, version) == ("closed", 2)  # the other writer's event folded in


async def test_a_handler_keeps_at_most_its_bound_of_streams() -> None:
    store = CountingStore()
    small = CommandHandler(store, EventRegistry([Opened, Closed]), DOOR, kept=1)
    for door in ("door-1", "door-2"):
        await small.handle(door, "open", assume_new=True)
        await small.load(door)
    store.reads.clear()
    await small.load("door-1")  # dropped for door-2: read from the start again
    await small.load("door-1")  # kept now
    await small.load("nothing-here")  # no stream: nothing kept, door-1 stays
    await small.load("door-1")
    assert store.reads == [("door-1", 1), ("door-1", 2), ("nothing-here", 1), ("door-1", 2)]
