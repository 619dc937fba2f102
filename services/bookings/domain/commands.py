"""Commands the bookings deciders accept: pydantic models built from field-rule types.

Building one validates every field at once (pydantic reports each bad field at its path), so
the deciders only see well-formed input and check the rules that need state or outside facts.
The domain has no clock: a slot is a local date and time given by the client.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from shared.domain.fields import BusinessDate, Command, Reason
from services.bookings.domain.fields import (
    Attendance,
    Capacity,
    LengthMinutes,
    LocalTime,
    OpeningHours,
    QuotaHours,
    SpaceName,
    Title,
)
from services.bookings.domain.venue_time import NoSuchLocalTime, local_instant


def _not_below_minimum(value: int | None, info: ValidationInfo) -> int | None:
    shortest: int | None = info.data.get("min_length_minutes")  # absent when it was bad itself
    if value is not None and shortest is not None and value < shortest:
        raise PydanticCustomError("below_minimum", "must be at least min_length_minutes")
    return value


class RegisterSpace(Command):
    name: SpaceName
    capacity: Capacity
    opening_hours: OpeningHours
    min_length_minutes: LengthMinutes
    max_length_minutes: LengthMinutes

    _max_not_below_min = field_validator("max_length_minutes")(_not_below_minimum)


class UpdateSpace(Command):
    """``None`` leaves a rule as it is; ``opening_hours=()`` closes the space every day.
    The name is the space's identity and never changes."""

    space_id: UUID
    capacity: Capacity | None = None
    opening_hours: OpeningHours | None = None
    min_length_minutes: LengthMinutes | None = None
    max_length_minutes: LengthMinutes | None = None

    _max_not_below_min = field_validator("max_length_minutes")(_not_below_minimum)


class CloseSpaceDay(Command):
    space_id: UUID
    day: BusinessDate
    reason: Reason


class ReopenSpaceDay(Command):
    space_id: UUID
    day: BusinessDate


class BookSpace(Command):
    """A slot: ``length_minutes`` from ``start`` on ``day`` (local time in Paris).

    ``booking_id`` is chosen by the application (shared.contracts.bookings.booking_id_for the
    request id), so that a retried request names the booking it made the first time.
    """

    booking_id: UUID
    space_id: UUID
    organisation_id: UUID
    day: BusinessDate
    start: LocalTime
    length_minutes: LengthMinutes
    title: Title
    attendance: Attendance

    @field_validator("start")
    @classmethod
    def _one_instant(cls, value, info: ValidationInfo):
        day: date | None = info.data.get("day")
        if day is not None:
            try:
                local_instant(day, value)
            except NoSuchLocalTime as exc:
                raise PydanticCustomError("no_such_local_time", str(exc)) from None
        return value

    @property
    def starts_at(self) -> datetime:
        return local_instant(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        # Exact: the length is elapsed time, whatever the clocks do that night.
        return self.starts_at + timedelta(minutes=self.length_minutes)


class CancelBooking(Command):
    booking_id: UUID
    reason: Reason


class SetMonthlyQuota(Command):
    """``hours=None`` removes the quota."""

    organisation_id: UUID
    hours: QuotaHours | None = None


SpaceCommand = RegisterSpace | UpdateSpace
SpaceDayCommand = BookSpace | CancelBooking | CloseSpaceDay | ReopenSpaceDay
BookingsCommand = SpaceCommand | SpaceDayCommand | SetMonthlyQuota
