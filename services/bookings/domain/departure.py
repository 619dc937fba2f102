"""What an organisation leaving the halles-civiques collective does to its bookings.

A departure takes effect at its business instant: the envelope's ``occurred_at`` of
membership's MemberLeft, i.e. the start (in Paris) of the day it names (``on``), or, for a
departure recorded on the very day it names, the moment it was recorded. Never the clock of
the service that reacts: the reference scenario replays 2018 today, and an organisation that
left on 1 September 2018 must still lose its October 2018 bookings.

The bookings that *start* at or after that instant are cancelled, each with the departure's
reason; the ones before (held, or under way then) stay as they were.
"""
from __future__ import annotations

from datetime import date, datetime

from shared.domain.fields import REASON_MAX


def cancelled_by_departure(starts_at: datetime, departed_at: datetime) -> bool:
    return starts_at >= departed_at


def cancellation_reason(on: date, reason: str) -> str:
    """The reason a booking cancelled by a departure carries (a Reason: at most REASON_MAX)."""
    text = f"the organisation left the halles-civiques collective on {on.isoformat()}: {reason}"
    return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"
