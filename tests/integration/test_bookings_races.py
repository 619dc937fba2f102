"""No double booking under concurrent requests, in one instance and across two instances that
share one database (two pools, two stores with their own group-commit writers, two sets of
command handlers: what two service processes have).

50 requests for one space and day, each from 10:00 + i minutes for two hours, so every pair
overlaps: exactly one is stored; every other is refused with SlotTaken naming the winner's
slot; the calendar shows exactly the winner.

Across instances, the first append of each instance is held until both instances have
decided on the empty day, so that the two appends really race in the database: one commits,
the other is refused by the store (WrongExpectedVersion), decided again on the day that now
holds the winner, and refused for the overlap.
"""
from __future__ import annotations

import asyncio
import contextlib
from datetime import date

import pytest

from services.bookings.application import queries
from services.bookings.application.commands import new_booking_id
from services.bookings.domain import BookSpace, RegisterSpace
from services.bookings.domain.refusals import SlotTaken
from shared.application.requests import RequestMeta
from shared.contracts.bookings import VENUE_TIME_ZONE, SpaceBooked, space_day_stream_id
from shared.eventstore.base import WrongExpectedVersion
from tests.integration.bookings_app import BOOKINGS_TOPIC, BookingsApp, bookings_app

pytestmark = pytest.mark.integration

REQUESTS = 50
THURSDAY = date(2018, 3, 15)
HALLE = RegisterSpace(name="La Grande Halle", capacity=120, min_length_minutes=60, max_length_minutes=480,
                      opening_hours=[{"weekday": "thursday", "opens": "09:00", "closes": "22:00"}])
ORGANISATIONS = [f"Organisation {i:02d} du collectif" for i in range(REQUESTS)]


async def overlapping_requests(apps: list[BookingsApp], space_id) -> list:
    """REQUESTS bookings of one slot range, spread over the instances in turn, all at once."""
    async def one(i: int):
        app = apps[i % len(apps)]
        command = BookSpace(booking_id=new_booking_id(f"race-{i}"), space_id=space_id,
                            organisation_id=app.collective.member_id(ORGANISATIONS[i]), day=THURSDAY,
                            start=f"10:{i:02d}", length_minutes=120, title=f"Atelier {i}", attendance=20)
        return await app.commands.execute(command, RequestMeta(request_id=f"race-{i}"))

    return await asyncio.gather(*(one(i) for i in range(REQUESTS)), return_exceptions=True)


async def check_exactly_one(results: list, app: BookingsApp, space_id) -> None:
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1, results
    [(winner, outcome)] = won
    [winning_event] = outcome.events
    assert isinstance(winning_event, SpaceBooked)
    slot = f"booking {winner} 2018-03-15 {winning_event.starts_at.astimezone(VENUE_TIME_ZONE):%H:%M}-"
    assert all(isinstance(e, SlotTaken) for e in lost), [e for e in lost if not isinstance(e, SlotTaken)]
    assert all(e.subject.startswith(slot) for e in lost), {e.subject for e in lost}
    stream = await app.store.read_stream(space_day_stream_id(space_id, THURSDAY))
    assert [e.type for e in stream] == [SpaceBooked.event_type]
    await app.waiters.consistency.for_query("venue", {BOOKINGS_TOPIC: await app.store.last_position()})
    [day] = (await queries.calendar_day(app.pool, space_id, THURSDAY)).days
    assert [b["booking_id"] for b in day.bookings] == [winner]


class FirstAppendsMeet:
    """Wraps each store's append (the real one runs): the first append of each store waits
    until every store has one ready; counts the appends the database refused."""

    def __init__(self, *apps: BookingsApp) -> None:
        self.barrier = asyncio.Barrier(len(apps))
        self.refused = 0
        for app in apps:
            app.store.append = self._wrap(app.store.append)

    def _wrap(self, append):
        first = True

        async def held(*args, **kwargs):
            nonlocal first
            if first:
                first = False
                await asyncio.wait_for(self.barrier.wait(), 10)
            try:
                return await append(*args, **kwargs)
            except WrongExpectedVersion:
                self.refused += 1
                raise

        return held


async def admit_all(app: BookingsApp) -> None:
    for name in ORGANISATIONS:
        await app.collective.admit(name)


async def test_50_overlapping_requests_in_one_instance_store_exactly_one(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        space_id, _ = await app.commands.execute(HALLE)
        await admit_all(app)
        results = await overlapping_requests([app], space_id)
        await check_exactly_one(results, app, space_id)


async def test_50_overlapping_requests_over_two_instances_on_one_database_store_exactly_one(fresh_dsn: str) -> None:
    async with contextlib.AsyncExitStack() as instances:
        first = await instances.enter_async_context(bookings_app(fresh_dsn))
        second = await instances.enter_async_context(bookings_app(fresh_dsn, feed=False))  # one worker projects
        assert first.store is not second.store and first.store.pool is not second.store.pool
        space_id, _ = await first.commands.execute(HALLE)
        await admit_all(first)  # the local view is in the shared database: both instances read it
        meet = FirstAppendsMeet(first, second)
        results = await overlapping_requests([first, second], space_id)
        await check_exactly_one(results, second, space_id)  # the calendar as the other instance reads it
        assert meet.refused == 1  # the two first appends raced; the database let one through

