"""What a departure from the collective cancels, and the reason it gives (a valid Reason even
when the departure's own reason is as long as a reason may be)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.bookings.domain import CancelBooking
from services.bookings.domain.departure import cancellation_reason, cancelled_by_departure
from shared.domain.fields import REASON_MAX
from shared.contracts.bookings import booking_id_for

DEPARTED_AT = datetime(2018, 5, 31, 22, 0, tzinfo=UTC)  # 1 June 2018, 00:00 in Paris


def test_a_booking_starting_at_the_departure_or_after_is_cancelled_one_before_stays() -> None:
    assert cancelled_by_departure(DEPARTED_AT, DEPARTED_AT)
    assert cancelled_by_departure(DEPARTED_AT + timedelta(days=100), DEPARTED_AT)
    assert not cancelled_by_departure(DEPARTED_AT - timedelta(minutes=1), DEPARTED_AT)


def test_the_reason_names_the_departure_and_fits_a_reason() -> None:
    assert cancellation_reason(date(2018, 6, 1), "dissolution") == (
        "the organisation left the halles-civiques collective on 2018-06-01: dissolution")
    longest = cancellation_reason(date(2018, 6, 1), "x" * REASON_MAX)
    assert len(longest) == REASON_MAX and longest.endswith("x…")
    CancelBooking(booking_id=booking_id_for("r"), reason=longest)  # accepted by the command's Reason
