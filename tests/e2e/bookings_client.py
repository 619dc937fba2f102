"""What the bookings e2e tests send, through gRPC only: organisations admitted to the
halles-civiques collective by membership, spaces of the venue, bookings, and the refusals'
details as a client reads them."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import grpc

from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as mpb
from shared.application.consistency import decode_token, encode_token, merged
from shared.grpc.client import precondition_violations, retry_delay
from shared.grpc.api import date_proto

ADMITTED_ON = date(2018, 3, 1)
OVERLOAD_RETRIES = 40  # the halles civiques open in March 2018
TUESDAY_TO_SATURDAY = (pb.WEEKDAY_TUESDAY, pb.WEEKDAY_WEDNESDAY, pb.WEEKDAY_THURSDAY, pb.WEEKDAY_FRIDAY,
                       pb.WEEKDAY_SATURDAY)


def rid() -> str:
    return uuid.uuid4().hex


def hm(text: str) -> pb.LocalTime:
    hours, minutes = text.split(":")
    return pb.LocalTime(hours=int(hours), minutes=int(minutes))


def local_text(value: pb.LocalTime) -> str:
    return f"{value.hours:02d}:{value.minutes:02d}"


def day_of(value: common_pb2.Date) -> date:
    return date(value.year, value.month, value.day)


def joined(*tokens: str) -> str:
    """One token naming every position the given ones name."""
    return encode_token(merged(*(decode_token(t) for t in tokens)))


async def as_a_client_would(call: Callable[[], Awaitable[Any]]) -> Any:
    """``call()``, sent again (the same request, so the same request id) when the service
    answers RESOURCE_EXHAUSTED, after the RetryInfo delay it gives: what admission control asks
    of a client (a burst on a busy 2-core machine makes an API's loop late, and it refuses
    commands until it catches up). Bounded: the last refusal is raised."""
    for _ in range(OVERLOAD_RETRIES):
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            await asyncio.sleep(retry_delay(error) or 0.05)
    return await call()


async def admit(membership, name: str, *, scheme: int = mpb.SCHEME_HALLES_CIVIQUES,
                on: date = ADMITTED_ON) -> tuple[str, str]:
    """Admits ``name`` to a scheme (the collective by default); (member id, token)."""
    request = mpb.AdmitMemberRequest(request_id=rid(), scheme=scheme, kind=mpb.KIND_ASSOCIATION, name=name,
                                     territory="Paris", effective_date=date_proto(on))
    reply = await as_a_client_would(lambda: membership.AdmitMember(request, timeout=10))
    return reply.member_id, reply.result.consistency_token


def space_request(name: str, capacity: int, weekdays, opens: str, closes: str, shortest: int,
                  longest: int, **extra) -> pb.RegisterSpaceRequest:
    return pb.RegisterSpaceRequest(
        request_id=rid(), name=name, capacity=capacity, min_length_minutes=shortest, max_length_minutes=longest,
        opening_hours=pb.OpeningHours(windows=[pb.OpeningWindow(weekday=d, opens=hm(opens), closes=hm(closes))
                                               for d in weekdays]), **extra)


def booking_request(space_id: str, organisation_id: str, day: date, start: str, minutes: int, *,
                    attendance: int = 20, title: str = "Atelier", token: str = "",
                    request_id: str | None = None) -> pb.BookSpaceRequest:
    return pb.BookSpaceRequest(request_id=request_id or rid(), space_id=space_id, organisation_id=organisation_id,
                               day=date_proto(day), start=hm(start), length_minutes=minutes, title=title,
                               attendance=attendance, consistency_token=token)


async def refusal(call) -> tuple[grpc.StatusCode, str, str, str]:
    """A refused call's (code, PreconditionFailure type, subject, message)."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        [violation] = precondition_violations(error) or [None]
        if violation is None:
            return error.code(), "", "", error.details()
        return error.code(), violation.type, violation.subject, error.details()
    raise AssertionError("the call was not refused")


async def calendar(bookings, space_id: str, day: date, token: str = "", *,
                   span: int = pb.CALENDAR_SPAN_DAY) -> pb.GetCalendarResponse:
    return await bookings.GetCalendar(pb.GetCalendarRequest(space_id=space_id, day=date_proto(day), span=span,
                                                            consistency_token=token), timeout=10)
