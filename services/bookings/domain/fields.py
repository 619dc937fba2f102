"""Bookings' own field rules, as types beside the kit's (shared.domain.fields).

A local time of day on the minute, a space's weekly opening hours (windows within one day,
none overlapping another on the same weekday), the sizes a venue deals in (capacity,
attendance, lengths in minutes, a quota in hours) and a space's name, which is its identity.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.contracts.bookings import OpeningWindow, Weekday
from shared.contracts.membership import normalise_name
from shared.domain.fields import Name, bounded_list, enum_text, integer

MINUTES_PER_DAY = 24 * 60
CAPACITY_MAX = 5000
OPENING_WINDOWS_MAX = 28  # four windows a day
QUOTA_HOURS_MAX = 31 * 24

_TEXT_TIME_MAX = 5  # "HH:MM"


def _local_time(value: Any) -> time:
    """"HH:MM", a ``time`` on the minute, or (hours, minutes) as a request gives it."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(p, int) for p in value):
        hours, minutes = value
    elif isinstance(value, str) and len(value) == _TEXT_TIME_MAX and value[2] == ":" \
            and value[:2].isdigit() and value[3:].isdigit():
        hours, minutes = int(value[:2]), int(value[3:])
    elif isinstance(value, time):
        if value.tzinfo is not None or value.second or value.microsecond:
            raise PydanticCustomError("time", "must be a local time on the minute (no seconds, no time zone)")
        return value
    else:
        raise PydanticCustomError("time_type", "must be a local time of day, HH:MM")
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise PydanticCustomError("time", "must be a time of day between 00:00 and 23:59")
    return time(hours, minutes)


LocalTime = Annotated[time, BeforeValidator(_local_time)]
"""A wall-clock time in Europe/Paris, on the minute: "HH:MM" from 00:00 to 23:59."""

Capacity = integer(1, CAPACITY_MAX)
Attendance = integer(1, CAPACITY_MAX)
LengthMinutes = integer(1, MINUTES_PER_DAY)
QuotaHours = integer(1, QUOTA_HOURS_MAX)
Title = Name


def _keyable(name: str) -> str:
    if not normalise_name(name):
        raise PydanticCustomError("no_letter", "must contain at least one letter or digit (a-z, 0-9)")
    return name


SpaceName = Annotated[Name, AfterValidator(_keyable)]
"""A room's name: its identity in the venue (space_id_for), so it must normalise to something."""


class OpeningWindowInput(BaseModel):
    """An opening window as a command gives it; any object with these attributes is read."""

    model_config = ConfigDict(frozen=True, from_attributes=True, extra="ignore")

    weekday: enum_text(Weekday)
    opens: LocalTime
    closes: LocalTime

    @field_validator("closes")
    @classmethod
    def _after_opening(cls, value: time, info: ValidationInfo) -> time:
        # Windows never cross midnight: a booking then always lies within one local day.
        opens: time | None = info.data.get("opens")  # absent when it was bad itself
        if opens is not None and value <= opens:
            raise PydanticCustomError("closes_before_opens", "must be after opens, on the same day")
        return value

    def as_window(self) -> OpeningWindow:
        return OpeningWindow(weekday=self.weekday, opens=self.opens, closes=self.closes)


def _no_overlap(windows: tuple[OpeningWindowInput, ...]) -> tuple[OpeningWindowInput, ...]:
    """Windows of one weekday must not overlap (touching is fine: 09:00-12:00, 12:00-14:00)."""
    by_day: dict[Weekday, list[tuple[int, OpeningWindowInput]]] = defaultdict(list)
    for index, window in enumerate(windows):
        by_day[window.weekday].append((index, window))
    problems = []
    for entries in by_day.values():
        entries.sort(key=lambda entry: entry[1].opens)
        for (_, earlier), (index, later) in zip(entries, entries[1:]):
            if later.opens < earlier.closes:
                message = (f"overlaps the {earlier.weekday.value} window "
                           f"{earlier.opens:%H:%M}-{earlier.closes:%H:%M}")
                problems.append(InitErrorDetails(type=PydanticCustomError("overlap", message),
                                                 loc=(index, "opens"), input=later.opens))
    if problems:
        raise ValidationError.from_exception_data("opening windows", problems)
    return windows


OpeningHours = Annotated[bounded_list(OpeningWindowInput, OPENING_WINDOWS_MAX, "opening windows"),
                         AfterValidator(_no_overlap)]
"""A space's weekly opening hours: at most 28 windows, none overlapping another on its weekday."""
