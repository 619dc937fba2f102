"""BookingsService: proto in, command or query out, and back. No business rules here.

Ids a command names go to the command's UUID fields as given, so a bad id is reported with
every other bad field; a query's ids are checked first (uuid_of). Every query reads the venue
read model, after waiting for the token it was given (a membership token waits, through the
reaction to departures, until what the departure cancelled is in the venue).
"""
from __future__ import annotations

from datetime import datetime

import asyncpg
import grpc

from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.bookings.v1 import bookings_pb2_grpc
from lab27.common.v1 import common_pb2
from shared.contracts.bookings import VENUE_TIME_ZONE
from shared.domain.errors import InvalidArgument
from shared.grpc.api import Api, date_parts, date_proto, enum_text, uuid_of
from services.bookings.api import convert
from services.bookings.application import queries
from services.bookings.application.commands import BookingsCommands, new_booking_id
from services.bookings.domain import (
    BookSpace,
    CancelBooking,
    CloseSpaceDay,
    RegisterSpace,
    ReopenSpaceDay,
    SetMonthlyQuota,
    UpdateSpace,
)
from services.bookings.projections.venue import VENUE

V = VENUE.name
# Command fields named otherwise in the requests, so that a violation names what was sent.
HOURS = {"opening_hours": "opening_hours.windows"}


def optional(request, field: str):
    return getattr(request, field) if request.HasField(field) else None


class BookingsServicer(bookings_pb2_grpc.BookingsServiceServicer):
    def __init__(self, api: Api, commands: BookingsCommands, pool: asyncpg.Pool) -> None:
        self._api = api
        self._commands = commands
        self._pool = pool

    async def _run(self, model, request, rename=None, /, **fields):
        command, meta = self._api.command(model, request, rename, **fields)
        addressed, outcome = await self._commands.execute(command, meta)
        return addressed, self._api.result(outcome, meta)

    # --- commands -------------------------------------------------------------------

    async def RegisterSpace(self, request: pb.RegisterSpaceRequest, context: grpc.aio.ServicerContext):
        space_id, result = await self._run(
            RegisterSpace, request, HOURS, name=request.name, capacity=request.capacity,
            opening_hours=convert.opening_hours(request.opening_hours),
            min_length_minutes=request.min_length_minutes, max_length_minutes=request.max_length_minutes)
        return pb.RegisterSpaceResponse(space_id=str(space_id), result=result)

    async def UpdateSpace(self, request: pb.UpdateSpaceRequest, context):
        hours = convert.opening_hours(request.opening_hours) if request.HasField("opening_hours") else None
        _, result = await self._run(
            UpdateSpace, request, HOURS, space_id=request.space_id, capacity=optional(request, "capacity"),
            opening_hours=hours, min_length_minutes=optional(request, "min_length_minutes"),
            max_length_minutes=optional(request, "max_length_minutes"))
        return pb.UpdateSpaceResponse(result=result)

    async def CloseSpaceDay(self, request: pb.CloseSpaceDayRequest, context):
        _, result = await self._run(CloseSpaceDay, request, space_id=request.space_id, day=date_parts(request.day),
                                    reason=request.reason)
        return pb.CloseSpaceDayResponse(result=result)

    async def ReopenSpaceDay(self, request: pb.ReopenSpaceDayRequest, context):
        _, result = await self._run(ReopenSpaceDay, request, space_id=request.space_id, day=date_parts(request.day))
        return pb.ReopenSpaceDayResponse(result=result)

    async def SetMonthlyQuota(self, request: pb.SetMonthlyQuotaRequest, context):
        _, result = await self._run(SetMonthlyQuota, request, organisation_id=request.organisation_id,
                                    hours=optional(request, "hours"))
        return pb.SetMonthlyQuotaResponse(result=result)

    async def BookSpace(self, request: pb.BookSpaceRequest, context):
        booking_id, result = await self._run(
            BookSpace, request, booking_id=new_booking_id(request.request_id), space_id=request.space_id,
            organisation_id=request.organisation_id, day=date_parts(request.day),
            start=convert.local_time(request.start, "start", request), length_minutes=request.length_minutes,
            title=request.title, attendance=request.attendance)
        return pb.BookSpaceResponse(booking_id=str(booking_id), result=result)

    async def CancelBooking(self, request: pb.CancelBookingRequest, context):
        _, result = await self._run(CancelBooking, request, booking_id=request.booking_id, reason=request.reason)
        return pb.CancelBookingResponse(result=result)

    # --- queries --------------------------------------------------------------------

    async def GetSpace(self, request: pb.GetSpaceRequest, context):
        space_id = uuid_of(request.space_id, "space_id")
        await self._api.caught_up(request.consistency_token, V)
        return pb.GetSpaceResponse(space=convert.space_to_proto(await queries.get_space(self._pool, space_id)))

    async def ListSpaces(self, request: pb.ListSpacesRequest, context):
        await self._api.caught_up(request.consistency_token, V)
        return pb.ListSpacesResponse(spaces=[convert.space_to_proto(r) for r in await queries.list_spaces(self._pool)])

    async def GetCalendar(self, request: pb.GetCalendarRequest, context):
        space_id = uuid_of(request.space_id, "space_id")
        day = convert.query_day(request.day, "day")
        span = enum_text(pb.CalendarSpan, request.span)
        if span not in ("unspecified", "day", "week"):
            raise InvalidArgument.of("span", "must be CALENDAR_SPAN_DAY or CALENDAR_SPAN_WEEK")
        await self._api.caught_up(request.consistency_token, V)
        show = queries.calendar_week if span == "week" else queries.calendar_day
        calendar = await show(self._pool, space_id, day)
        return pb.GetCalendarResponse(space=convert.space_to_proto(calendar.space),
                                      days=[convert.calendar_day_to_proto(d) for d in calendar.days])

    async def FindFreeSlots(self, request: pb.FindFreeSlotsRequest, context):
        first = convert.query_day(request.first_day, "first_day")
        last = convert.query_day(request.last_day, "last_day")
        await self._api.caught_up(request.consistency_token, V)
        page = await queries.free_slots(self._pool, first, last, request.length_minutes, request.attendance,
                                        request.page.page_size, request.page.page_token)
        return pb.FindFreeSlotsResponse(
            slots=[convert.free_slot_to_proto(r) for r in page.rows],
            page=common_pb2.PageResponse(next_page_token=page.next_page_token, total_size=page.total_size))

    async def GetBooking(self, request: pb.GetBookingRequest, context):
        booking_id = uuid_of(request.booking_id, "booking_id")
        await self._api.caught_up(request.consistency_token, V)
        return pb.GetBookingResponse(booking=convert.booking_to_proto(await queries.get_booking(self._pool,
                                                                                                booking_id)))

    async def ListOrganisationBookings(self, request: pb.ListOrganisationBookingsRequest, context):
        organisation_id = uuid_of(request.organisation_id, "organisation_id")
        # "This month" is the venue's: a quota counts the bookings of a local (Paris) month.
        month = convert.query_day(request.month, "month", default=datetime.now(VENUE_TIME_ZONE).date())
        await self._api.caught_up(request.consistency_token, V)
        found = await queries.organisation_bookings(self._pool, organisation_id, month, request.page.page_size,
                                                    request.page.page_token)
        reply = pb.ListOrganisationBookingsResponse(
            bookings=[convert.booking_to_proto(r) for r in found.page.rows],
            page=common_pb2.PageResponse(next_page_token=found.page.next_page_token,
                                         total_size=found.page.total_size),
            month=date_proto(found.month),
            minutes_booked_in_month=found.minutes_booked_in_month, quota_version=found.quota_version)
        if found.monthly_quota_hours is not None:
            reply.monthly_quota_hours = found.monthly_quota_hours
        return reply
