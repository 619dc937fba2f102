"""Bookings commands: pick the stream, read the facts the decision needs, then load -> decide
-> append through the kit's CommandHandler.

No double booking, across processes
-----------------------------------
A booking is decided on the stream of its space and local day (``space/<id>/<date>``), which
holds every booking that could overlap it (shared.contracts.bookings). The handler loads that
stream at version v, decides, and appends expecting version v. The store's
``UNIQUE(stream_id, version)`` (a database constraint, the same for every process using the
database) lets exactly one of two appends at v + 1 commit; the other gets WrongExpectedVersion,
and the handler decides it again on the stream as it now is, which holds the winner: an
overlapping loser is refused with SlotTaken (FAILED_PRECONDITION) naming the winner's slot.
Within a process the handler also decides one command per stream at a time, so racing
requests queue instead of conflicting; across processes the constraint alone is enough.

The monthly quota (across spaces and days)
------------------------------------------
It cannot be decided on one space-day stream, so it is checked against facts: the quota, read
from the organisation's stream (exact), and the minutes booked on *other* space-days that
month, read from the venue read model after waiting until it holds everything the store had
committed (so every booking that finished before this one started is counted, whatever
instance made it); minutes on the slot's own space-day come from its stream (exact). In a
process, an organisation's quota-bound bookings are decided one at a time. The window that
remains: two instances deciding bookings of the *same* organisation at the same moment (each
started before the other committed) can together exceed the quota, by what the other
instances had in flight. Closing it would need a reservation stream per (organisation,
month), written before the booking and released on refusal: two appends per booking and a
compensation path, for a rule of fairness between 17 organisations; not worth it here.

Cancelling the future bookings of an organisation
-------------------------------------------------
What the reaction to "member left the collective" needs: the query of its live bookings from
an instant on (queries.future_bookings, over the venue once it holds the store: the kit's
``ctx.read``), and CancelBooking for each, keyed by booking id (the kit derives the request
id from the inbound event and the key, so a replay cancels nothing more). CancelBooking finds
the booking's stream in the venue (a row found is right at once; a miss waits for the venue to
hold the store, then is NotFound).

A booking that races a departure
--------------------------------
The reaction lists an organisation's future bookings once the local view has applied its
MemberLeft; a booking whose membership check read the view just before that can commit just
after the listing. So, once a booking is stored, the booking path reads the view again: if the
organisation has left meanwhile and the slot starts after the departure, it cancels the
booking (with the reason the reaction gives) and refuses (NotAnActiveMember). Either the
listing, which reads the venue once it holds every event committed before it began (and the
view had changed by then), sees the booking, or the booking committed after that and its
re-read sees the departure. Both may cancel it: the second cancellation stores nothing.
"""
from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from shared.application.command_handler import CommandHandler, CommandOutcome, StreamLocks
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.contracts.bookings import (
    ORGANISATION_STREAM_TYPE,
    SPACE_DAY_STREAM_TYPE,
    SPACE_STREAM_TYPE,
    booking_id_for,
    bookings_registry,
    organisation_stream_id,
    space_day_stream_id,
    space_stream_id,
)
from shared.eventstore.base import EventStore
from services.bookings.application.facts import VenueFacts
from services.bookings.domain.departure import cancellation_reason, cancelled_by_departure
from services.bookings.domain.refusals import NotAnActiveMember
from services.bookings.domain import (
    BookingsCommand,
    BookSpace,
    CancelBooking,
    CloseSpaceDay,
    OnDay,
    RegisterSpace,
    ReopenSpaceDay,
    SetMonthlyQuota,
    SpaceState,
    UpdateSpace,
    initial_day,
    initial_organisation,
    initial_space,
    organisation,
    registration_space_id,
    space,
    space_day,
)

SPACE_DECIDER: Decider = Decider(SPACE_STREAM_TYPE, initial_space, space.evolve, space.decide)
SPACE_DAY_DECIDER: Decider = Decider(SPACE_DAY_STREAM_TYPE, initial_day, space_day.evolve, space_day.decide)
ORGANISATION_DECIDER: Decider = Decider(ORGANISATION_STREAM_TYPE, initial_organisation, organisation.evolve,
                                        organisation.decide)


def _self_cancel(request_id: str) -> str:
    """The request id of the cancellation a booking made when its organisation had just left."""
    return f"{request_id[:120]}:left"


def new_booking_id(request_id: str | None) -> UUID:
    """The id a BookSpace request gets: a retry of the same request names the same booking."""
    return booking_id_for(request_id) if request_id else uuid.uuid4()


class BookingsCommands:
    def __init__(self, store: EventStore, facts: VenueFacts) -> None:
        registry = bookings_registry()
        self._spaces = CommandHandler(store, registry, SPACE_DECIDER)
        self._days = CommandHandler(store, registry, SPACE_DAY_DECIDER)
        self._organisations = CommandHandler(store, registry, ORGANISATION_DECIDER)
        self._store = store
        self._facts = facts
        self._quota_locks = StreamLocks()  # per organisation, for its quota-bound bookings

    async def execute(self, command: BookingsCommand, meta: RequestMeta = RequestMeta()) -> tuple[UUID, CommandOutcome]:
        """Runs one command; returns the id it addressed (space, booking or organisation) and
        what was stored."""
        match command:
            case RegisterSpace():
                space_id = registration_space_id(command)
                return space_id, await self._spaces.run(space_stream_id(space_id), command, meta, assume_new=True)
            case UpdateSpace():
                return command.space_id, await self._spaces.run(space_stream_id(command.space_id), command, meta)
            case CloseSpaceDay() | ReopenSpaceDay():
                on_day = OnDay(command, await self._space(command.space_id))
                return command.space_id, await self._days.run(space_day_stream_id(command.space_id, command.day),
                                                              on_day, meta)
            case BookSpace():
                return command.booking_id, await self._book(command, meta)
            case CancelBooking():
                space_id, day = await self._facts.booking_day(command.booking_id)
                return command.booking_id, await self._days.run(space_day_stream_id(space_id, day), OnDay(command), meta)
            case SetMonthlyQuota():
                stream = organisation_stream_id(command.organisation_id)
                return command.organisation_id, await self._organisations.run(stream, command, meta)
        raise TypeError(f"not a bookings command: {type(command).__name__}")

    async def _space(self, space_id: UUID) -> SpaceState | None:
        state, _version, _position = await self._spaces.load(space_stream_id(space_id))
        return state

    async def _book(self, command: BookSpace, meta: RequestMeta) -> CommandOutcome:
        outcome = await self._decide_booking(command, meta)
        if not outcome.duplicate:
            await self._unless_member_left(command, meta)
        elif meta.request_id and await self._store.lookup_request(_self_cancel(meta.request_id)):
            # A retry answers what the first attempt answered: that booking cancelled itself.
            await self._refuse_as_left(command)
        return outcome  # a retry of a booking that stood answers it, whatever happened since

    async def _unless_member_left(self, command: BookSpace, meta: RequestMeta) -> None:
        """The booking is stored: if its organisation has left the collective meanwhile, and
        the slot starts after the departure, cancel it and refuse (see the module docstring)."""
        departure = await self._facts.departure(command.organisation_id)
        if departure is None or not cancelled_by_departure(command.starts_at, departure.at):
            return
        cancel = CancelBooking(booking_id=command.booking_id, reason=cancellation_reason(departure.on, departure.reason))
        await self._days.run(space_day_stream_id(command.space_id, command.day), OnDay(cancel),
                             RequestMeta(request_id=_self_cancel(meta.request_id) if meta.request_id else None,
                                         correlation_id=meta.correlation_id))
        await self._refuse_as_left(command)

    async def _refuse_as_left(self, command: BookSpace) -> None:
        departure = await self._facts.departure(command.organisation_id)
        assert departure is not None
        raise NotAnActiveMember(f"organisation {command.organisation_id} left the collective on "
                                f"{departure.on.isoformat()} while booking {command.booking_id} was being made: "
                                "the booking is cancelled", subject=f"organisation {command.organisation_id}")

    async def _decide_booking(self, command: BookSpace, meta: RequestMeta) -> CommandOutcome:
        (space_state, _, _), (quota, _, _) = await asyncio.gather(
            self._spaces.load(space_stream_id(command.space_id)),
            self._organisations.load(organisation_stream_id(command.organisation_id)))
        stream = space_day_stream_id(command.space_id, command.day)
        hours = quota.monthly_quota_hours
        if hours is None:
            booker = await self._facts.booker(command, None, meta.after)
            return await self._days.run(stream, OnDay(command, space_state, booker), meta)
        async with self._quota_locks.hold(str(command.organisation_id)):
            booker = await self._facts.booker(command, hours, meta.after)
            return await self._days.run(stream, OnDay(command, space_state, booker), meta)

