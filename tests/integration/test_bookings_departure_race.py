"""A booking that races its organisation's departure from the collective.

The reaction to MemberLeft cancels the bookings the venue holds once the local view has
applied the departure; a booking whose membership check ran just before can commit just after
that listing. The booking path re-reads the view once its booking is stored: here the view
applies the departure while the booking's append is on its way (after the check, before the
commit), and the booking cancels itself with the departure's reason and is refused; a slot
that starts before the departure stays booked.
"""
from __future__ import annotations

from datetime import date

import pytest

from services.bookings.application import queries
from services.bookings.application.commands import new_booking_id
from services.bookings.domain import BookSpace, RegisterSpace
from services.bookings.domain.refusals import NotAnActiveMember
from shared.application.requests import RequestMeta
from shared.contracts.bookings import BookingCancelled, SpaceBooked, space_day_stream_id
from tests.integration.bookings_app import BOOKINGS_TOPIC, BookingsApp, bookings_app

pytestmark = pytest.mark.integration

HALLE = RegisterSpace(name="La Grande Halle", capacity=120, min_length_minutes=60, max_length_minutes=480,
                      opening_hours=[{"weekday": d, "opens": "09:00", "closes": "22:00"}
                                     for d in ("tuesday", "wednesday", "thursday", "friday")])
LEFT_ON = date(2018, 6, 1)  # a Friday
BEFORE, AFTER = date(2018, 5, 31), date(2018, 6, 14)


def leave_during_the_next_booking_append(app: BookingsApp, name: str) -> None:
    """The view applies the departure of ``name`` after the next booking's checks, before its
    append reaches the store (the real append then runs)."""
    append = app.store.append

    async def departure_first(stream_id, stream_type, expected, events, **kwargs):
        if any(e.type == SpaceBooked.event_type for e in events):
            app.store.append = append
            await app.collective.leave(name, "dissolution de l'association", LEFT_ON)
        return await append(stream_id, stream_type, expected, events, **kwargs)

    app.store.append = departure_first


async def booking(app: BookingsApp, space_id, day: date, request_id: str):
    command = BookSpace(booking_id=new_booking_id(request_id), space_id=space_id,
                        organisation_id=app.collective.member_id("Cap Collectif"), day=day, start="10:00",
                        length_minutes=120, title="Forum", attendance=30)
    return command, await app.commands.execute(command, RequestMeta(request_id=request_id))


async def test_a_booking_stored_after_its_member_left_cancels_itself(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        space_id, _ = await app.commands.execute(HALLE)
        await app.collective.admit("Cap Collectif")
        leave_during_the_next_booking_append(app, "Cap Collectif")
        with pytest.raises(NotAnActiveMember, match="left the collective on 2018-06-01") as refused:
            await booking(app, space_id, AFTER, "after-the-departure")
        assert refused.value.subject == f"organisation {app.collective.member_id('Cap Collectif')}"
        stream = await app.store.read_stream(space_day_stream_id(space_id, AFTER))
        assert [e.type for e in stream] == [SpaceBooked.event_type, BookingCancelled.event_type]
        assert stream[1].data["reason"] == ("the organisation left the halles-civiques collective on 2018-06-01: "
                                           "dissolution de l'association")
        await app.waiters.consistency.for_query("venue", {BOOKINGS_TOPIC: await app.store.last_position()})
        row = await queries.get_booking(app.pool, new_booking_id("after-the-departure"))
        assert row["status"] == "cancelled"

        # Retried, the request finds its booking cancelled: refused again, nothing more stored.
        with pytest.raises(NotAnActiveMember):
            await booking(app, space_id, AFTER, "after-the-departure")
        assert len(await app.store.read_stream(space_day_stream_id(space_id, AFTER))) == 2


async def test_a_booking_of_a_slot_before_the_departure_stays(fresh_dsn: str) -> None:
    async with bookings_app(fresh_dsn) as app:
        space_id, _ = await app.commands.execute(HALLE)
        await app.collective.admit("Cap Collectif")
        leave_during_the_next_booking_append(app, "Cap Collectif")
        _, (booking_id, outcome) = await booking(app, space_id, BEFORE, "before-the-departure")
        assert [type(e) for e in outcome.events] == [SpaceBooked]
        stream = await app.store.read_stream(space_day_stream_id(space_id, BEFORE))
        assert [e.type for e in stream] == [SpaceBooked.event_type]


async def test_a_retry_of_a_booking_made_before_the_departure_answers_its_first_result(fresh_dsn: str) -> None:
    """Made while the member was active, the booking stood; retried after it left (a scenario
    loaded twice), the request answers that first result and stores nothing."""
    async with bookings_app(fresh_dsn) as app:
        space_id, _ = await app.commands.execute(HALLE)
        await app.collective.admit("Cap Collectif")
        _, (booking_id, first) = await booking(app, space_id, AFTER, "made-before-leaving")
        await app.collective.leave("Cap Collectif", "dissolution de l'association", LEFT_ON)
        _, (again_id, again) = await booking(app, space_id, AFTER, "made-before-leaving")
        assert (again_id, again.duplicate, again.position) == (booking_id, True, first.position)
        assert [e.type for e in await app.store.read_stream(space_day_stream_id(space_id, AFTER))] == [
            SpaceBooked.event_type]
