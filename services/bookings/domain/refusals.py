"""Why a booking is refused: one error type per rule, each a PreconditionFailed.

The type names the rule for machines (the gRPC PreconditionFailure violation's ``type`` and
the ErrorInfo ``reason`` are the class name in UPPER_SNAKE: ``SLOT_TAKEN``), the message
names it for people (it starts with the rule), and ``subject`` names what the rule was
checked against (the conflicting booking, the space, the organisation).
"""
from __future__ import annotations

from typing import ClassVar

from shared.domain.errors import PreconditionFailed


class BookingRefused(PreconditionFailed):
    rule: ClassVar[str]

    def __init__(self, detail: str, subject: str = "") -> None:
        super().__init__(f"{self.rule}: {detail}")
        self.subject = subject


class NotAnActiveMember(BookingRefused):
    rule = "only an active member of the halles civiques collective can book"


class ClosedDay(BookingRefused):
    rule = "the space is closed that day"


class OverCapacity(BookingRefused):
    rule = "the expected attendance exceeds the space's capacity"


class LengthOutOfBounds(BookingRefused):
    rule = "the length is outside the space's bounds"


class OutsideOpeningHours(BookingRefused):
    rule = "the slot is outside the space's opening hours"


class SlotTaken(BookingRefused):
    rule = "the slot overlaps another booking of the space"


class OverQuota(BookingRefused):
    rule = "the organisation's monthly quota would be exceeded"


class DayHasBookings(PreconditionFailed):
    """A day with bookings cannot be closed: its bookings are cancelled first, each with its reason."""

    def __init__(self, message: str, subject: str = "") -> None:
        super().__init__(message)
        self.subject = subject
