"""proto <-> domain values for bookings; the general conversions are shared.grpc.api's.

Local times travel as LocalTime(hours, minutes), handed to the commands' LocalTime type as
(hours, minutes) so a bad one is reported at its path with every other bad field. Instants
are google.protobuf.Timestamp; local days lab27.common.v1.Date.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import asyncpg
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import TypeAdapter, ValidationError

from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.common.v1 import common_pb2
from shared.contracts.bookings import OpeningWindow
from shared.domain.errors import FieldViolation, InvalidArgument
from shared.domain.fields import BusinessDate, violations
from shared.grpc.api import date_parts, date_proto, enum_text, enum_value
from services.bookings.application.queries import CalendarDay
from services.bookings.domain.venue_time import local

_BUSINESS_DATE = TypeAdapter(BusinessDate)


# --- requests -> domain input ------------------------------------------------------------------


def local_time(message: Any, field: str, request: Any) -> tuple[int, int] | None:
    """``request.<field>`` (a LocalTime) as (hours, minutes); None when unset."""
    return (message.hours, message.minutes) if request.HasField(field) else None


def opening_hours(message: pb.OpeningHours) -> list[dict[str, Any]]:
    # Each window is checked by the command's OpeningHours type, at its path.
    return [{"weekday": enum_text(pb.Weekday, w.weekday),
             "opens": (w.opens.hours, w.opens.minutes) if w.HasField("opens") else None,
             "closes": (w.closes.hours, w.closes.minutes) if w.HasField("closes") else None}
            for w in message.windows]


def query_day(value: common_pb2.Date, field: str, default: date | None = None) -> date:
    """A query's local day (a BusinessDate); ``default`` when unset, else InvalidArgument."""
    parts = date_parts(value)
    if parts is None:
        if default is not None:
            return default
        raise InvalidArgument.of(field, "is required")
    try:
        return _BUSINESS_DATE.validate_python(parts)
    except ValidationError as error:
        raise InvalidArgument([FieldViolation(field, v.description) for v in violations(error)]) from None


# --- read models -> replies ----------------------------------------------------------------------


def timestamp(instant: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(instant)
    return stamp


def local_time_proto(at: time) -> pb.LocalTime:
    return pb.LocalTime(hours=at.hour, minutes=at.minute)


def _wall(instant: datetime) -> pb.LocalTime:
    return local_time_proto(local(instant).time())


def opening_hours_proto(windows: list[dict]) -> pb.OpeningHours:
    parsed = [OpeningWindow.model_validate(w) for w in windows]
    return pb.OpeningHours(windows=[pb.OpeningWindow(weekday=enum_value(pb.Weekday, w.weekday),
                                                     opens=local_time_proto(w.opens),
                                                     closes=local_time_proto(w.closes)) for w in parsed])


def space_to_proto(row: asyncpg.Record) -> pb.Space:
    return pb.Space(space_id=str(row["space_id"]), name=row["name"], capacity=row["capacity"],
                    opening_hours=opening_hours_proto(row["opening_hours"]),
                    min_length_minutes=row["min_length_minutes"], max_length_minutes=row["max_length_minutes"],
                    version=row["version"])


def booking_to_proto(row: asyncpg.Record) -> pb.Booking:
    # start / end: wall-clock times in Paris; an end on the next day never happens (opening
    # windows end by 23:59), and across a clock change the length is end_time - start_time.
    return pb.Booking(booking_id=str(row["booking_id"]), space_id=str(row["space_id"]),
                      organisation_id=str(row["organisation_id"]), title=row["title"], attendance=row["attendance"],
                      day=date_proto(row["day"]), start=_wall(row["starts_at"]), end=_wall(row["ends_at"]),
                      start_time=timestamp(row["starts_at"]), end_time=timestamp(row["ends_at"]),
                      length_minutes=row["minutes"], status=enum_value(pb.BookingStatus, row["status"]),
                      cancel_reason=row["cancel_reason"] or "")


def calendar_day_to_proto(day: CalendarDay) -> pb.CalendarDay:
    return pb.CalendarDay(
        day=date_proto(day.day),
        opening=[pb.OpeningPeriod(opens=local_time_proto(w.opens), closes=local_time_proto(w.closes),
                                  open_time=timestamp(w.opens_at), close_time=timestamp(w.closes_at))
                 for w in day.windows],
        closed=day.closed_reason is not None, closed_reason=day.closed_reason or "",
        bookings=[booking_to_proto(b) for b in day.bookings], version=day.version)


def free_slot_to_proto(row: asyncpg.Record) -> pb.FreeSlot:
    return pb.FreeSlot(space_id=str(row["space_id"]), space_name=row["name"], capacity=row["capacity"],
                       day=date_proto(row["day"]), start=_wall(row["free_from"]), end=_wall(row["free_until"]),
                       start_time=timestamp(row["free_from"]), end_time=timestamp(row["free_until"]))
