"""The SpaceDay decider: the bookings, cancellations and closure of one space on one local day.

No double booking: every booking lies within one local day (opening windows never cross
midnight), so every booking that could overlap a new one is in this stream's state, and the
overlap check here is exact. The event store stores at most one decision per stream version,
so of two racing decisions only one is stored; the other is decided again on the state that
now holds the winner, and refused with SlotTaken.

A decision comes with the facts it needs from outside this stream (OnDay): the space's rules,
read from the space's stream, and for a booking what the venue knows of the organisation.

Retry idempotency: a booking is refused with AlreadyExists once its booking id is on the
day; cancelling a cancelled booking, closing a closed day and reopening an open one emit
nothing (the state they aim at is reached).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from shared.contracts.bookings import (
    BookingCancelled,
    SpaceBooked,
    SpaceDayClosed,
    SpaceDayEvent,
    SpaceDayReopened,
)
from shared.domain.errors import AlreadyExists, NotFound
from services.bookings.domain.commands import BookSpace, CancelBooking, CloseSpaceDay, ReopenSpaceDay, SpaceDayCommand
from services.bookings.domain.refusals import (
    ClosedDay,
    DayHasBookings,
    LengthOutOfBounds,
    NotAnActiveMember,
    OutsideOpeningHours,
    OverCapacity,
    OverQuota,
    SlotTaken,
)
from services.bookings.domain.state import Booker, Booking, SpaceDayState, SpaceState
from services.bookings.domain.venue_time import wall_clock, window_instants


@dataclass(frozen=True)
class OnDay:
    """A command on one space-day, with the facts decided outside the day's stream."""

    command: SpaceDayCommand
    space: SpaceState | None = None
    booker: Booker | None = None

    def effective_time(self) -> date | datetime | None:
        return self.command.effective_time()


# --- evolve ---------------------------------------------------------------------------


def evolve(state: SpaceDayState, event: SpaceDayEvent) -> SpaceDayState:
    """Total: an event that does not fit the state leaves it unchanged, never raises."""
    if not isinstance(event, SpaceDayEvent):
        return state
    if state.space_id is None:
        state = replace(state, space_id=event.space_id, day=event.day)
    match event:
        case SpaceBooked() if state.booking(event.booking_id) is None:
            booking = Booking(booking_id=event.booking_id, organisation_id=event.organisation_id,
                              title=event.title, attendance=event.attendance, starts_at=event.starts_at,
                              ends_at=event.ends_at)
            return replace(state, bookings=(*state.bookings, booking))
        case BookingCancelled():
            return replace(state, bookings=tuple(replace(b, cancelled=True) if b.booking_id == event.booking_id
                                                 else b for b in state.bookings))
        case SpaceDayClosed():
            return replace(state, closed_reason=event.reason)
        case SpaceDayReopened():
            return replace(state, closed_reason=None)
    return state


# --- decide ---------------------------------------------------------------------------


def decide(state: SpaceDayState, decision: OnDay) -> list[SpaceDayEvent]:
    match decision.command:
        case BookSpace() as command:
            return _book(state, command, decision.space, decision.booker)
        case CancelBooking() as command:
            return _cancel(state, command)
        case CloseSpaceDay() as command:
            return _close(state, command, decision.space)
        case ReopenSpaceDay() as command:
            return _reopen(state, command)
    raise TypeError(f"not a space-day command: {type(decision.command).__name__}")


def _slot(booking: Booking) -> str:
    return f"{wall_clock(booking.starts_at, booking.ends_at)} (booking {booking.booking_id}, {booking.title!r})"


def _existing_space(space: SpaceState | None, space_id) -> SpaceState:
    if space is None or space.space_id != space_id:
        raise NotFound(f"space {space_id} not found")
    return space


def _book(state: SpaceDayState, cmd: BookSpace, space: SpaceState | None, booker: Booker | None) -> list[SpaceDayEvent]:
    space = _existing_space(space, cmd.space_id)
    if state.booking(cmd.booking_id) is not None:
        raise AlreadyExists(f"booking {cmd.booking_id} is already made")
    if booker is None or not booker.active_member:
        raise NotAnActiveMember(f"organisation {cmd.organisation_id} is not an active member of the collective",
                                subject=f"organisation {cmd.organisation_id}")
    on = f"{space.name} on {cmd.day.isoformat()}"
    if state.closed_reason is not None:
        raise ClosedDay(f"{on}: {state.closed_reason}", subject=f"space {space.space_id} {cmd.day.isoformat()}")
    if cmd.attendance > space.capacity:
        raise OverCapacity(f"{cmd.attendance} people expected, {space.name} holds {space.capacity}",
                           subject=f"space {space.space_id}")
    if not space.min_length_minutes <= cmd.length_minutes <= space.max_length_minutes:
        raise LengthOutOfBounds(f"{cmd.length_minutes} minutes asked, {space.name} is booked for "
                                f"{space.min_length_minutes} to {space.max_length_minutes} minutes",
                                subject=f"space {space.space_id}")
    starts_at, ends_at = cmd.starts_at, cmd.ends_at
    _within_opening_hours(space, cmd.day, starts_at, ends_at, on)
    for booking in state.live:
        if booking.overlaps(starts_at, ends_at):
            raise SlotTaken(f"{wall_clock(starts_at, ends_at)} on {on} overlaps {_slot(booking)}",
                            subject=f"booking {booking.booking_id} {cmd.day.isoformat()} "
                                    f"{wall_clock(booking.starts_at, booking.ends_at)}")
    _within_quota(state, cmd, booker)
    return [SpaceBooked(space_id=space.space_id, day=cmd.day, booking_id=cmd.booking_id,
                        organisation_id=cmd.organisation_id, title=cmd.title, attendance=cmd.attendance,
                        starts_at=starts_at, ends_at=ends_at)]


def _within_opening_hours(space: SpaceState, day: date, starts_at: datetime, ends_at: datetime, on: str) -> None:
    windows = space.windows_on(day)
    for window in windows:
        opens, closes = window_instants(day, window)
        if opens <= starts_at and ends_at <= closes:
            return
    hours = ", ".join(f"{w.opens:%H:%M}-{w.closes:%H:%M}" for w in windows) or "closed all day"
    raise OutsideOpeningHours(f"{wall_clock(starts_at, ends_at)} on {on}, open {hours}",
                              subject=f"space {space.space_id} {day.isoformat()}")


def _within_quota(state: SpaceDayState, cmd: BookSpace, booker: Booker) -> None:
    if booker.monthly_quota_hours is None:
        return
    here = sum(b.minutes for b in state.live if b.organisation_id == cmd.organisation_id)
    used = booker.minutes_booked_elsewhere + here
    allowed = booker.monthly_quota_hours * 60
    if used + cmd.length_minutes > allowed:
        raise OverQuota(f"{_hours(used)} of {booker.monthly_quota_hours} h already booked in "
                        f"{cmd.day:%Y-%m}, this booking needs {_hours(cmd.length_minutes)}",
                        subject=f"organisation {cmd.organisation_id}")


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _cancel(state: SpaceDayState, cmd: CancelBooking) -> list[SpaceDayEvent]:
    booking = state.booking(cmd.booking_id)
    if booking is None or state.space_id is None or state.day is None:
        raise NotFound(f"booking {cmd.booking_id} not found")
    if booking.cancelled:
        return []
    return [BookingCancelled(space_id=state.space_id, day=state.day, booking_id=booking.booking_id,
                             organisation_id=booking.organisation_id, reason=cmd.reason,
                             starts_at=booking.starts_at, ends_at=booking.ends_at)]


def _close(state: SpaceDayState, cmd: CloseSpaceDay, space: SpaceState | None) -> list[SpaceDayEvent]:
    _existing_space(space, cmd.space_id)
    if state.closed_reason is not None:
        return []
    if live := state.live:
        raise DayHasBookings(f"{cmd.day.isoformat()} has {len(live)} booking(s); cancel them first: "
                             + "; ".join(_slot(b) for b in live),
                             subject=f"space {cmd.space_id} {cmd.day.isoformat()}")
    return [SpaceDayClosed(space_id=cmd.space_id, day=cmd.day, reason=cmd.reason)]


def _reopen(state: SpaceDayState, cmd: ReopenSpaceDay) -> list[SpaceDayEvent]:
    if state.closed_reason is None:
        return []
    return [SpaceDayReopened(space_id=cmd.space_id, day=cmd.day)]
