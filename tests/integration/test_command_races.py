"""Commands racing for one stream on the real store (group commit): decided one at a time in
a process, so a rule like a capacity holds and no caller is refused for lack of retries."""
from __future__ import annotations

import asyncio
from typing import ClassVar

import pytest

from shared.application.command_handler import CommandHandler
from shared.application.decider import Decider
from shared.domain.errors import PreconditionFailed
from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration


class SeatTaken(DomainEvent):
    event_type: ClassVar[str] = "test.SeatTaken"


def take_seat(taken: int, command: str) -> list[DomainEvent]:
    if taken >= 20:
        raise PreconditionFailed("full: 20 of 20 seats taken")
    return [SeatTaken()]


SEATS = Decider("test.Room", 0, lambda taken, _event: taken + 1, take_seat)


async def test_25_claims_for_20_seats_store_20_and_refuse_5_by_the_rule(fresh_dsn: str) -> None:
    store = await open_store(fresh_dsn, "seats", max_size=8)
    try:
        handler = CommandHandler(store, EventRegistry([SeatTaken]), SEATS)
        results = await asyncio.gather(*(handler.handle("room-1", "take", request_id=f"t{i}") for i in range(25)),
                                       return_exceptions=True)
        refused = [r for r in results if isinstance(r, Exception)]
        assert [type(r) for r in refused] == [PreconditionFailed] * 5, refused
        assert len(await store.read_stream("room-1")) == 20
        assert len(handler._locks) == 0  # every stream's lock is dropped once free
    finally:
        await store.close()
