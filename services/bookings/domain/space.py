"""The Space decider: a room's rules (capacity, opening hours, booking lengths).

Retry idempotency: registering again is refused with AlreadyExists; an update that changes
nothing emits nothing.
"""
from __future__ import annotations

from dataclasses import replace

from shared.contracts.bookings import OpeningWindow, SpaceEvent, SpaceRegistered, SpaceUpdated, space_id_for
from shared.domain.errors import AlreadyExists, InvalidArgument, NotFound
from services.bookings.domain.commands import RegisterSpace, SpaceCommand, UpdateSpace
from services.bookings.domain.fields import OpeningWindowInput
from services.bookings.domain.state import SpaceState


def evolve(state: SpaceState | None, event: SpaceEvent) -> SpaceState | None:
    """Total: an event that does not fit the state leaves it unchanged, never raises."""
    match event:
        case SpaceRegistered() if state is None:
            return SpaceState(space_id=event.space_id, name=event.name, capacity=event.capacity,
                              opening_hours=event.opening_hours, min_length_minutes=event.min_length_minutes,
                              max_length_minutes=event.max_length_minutes)
        case SpaceUpdated() if state is not None:
            changed = {f: getattr(event, f) for f in _RULES if getattr(event, f) is not None}
            return replace(state, **changed)
    return state


def decide(state: SpaceState | None, command: SpaceCommand) -> list[SpaceEvent]:
    match command:
        case RegisterSpace():
            return _register(state, command)
        case UpdateSpace():
            return _update(state, command)
    raise TypeError(f"not a space command: {type(command).__name__}")


def registration_space_id(command: RegisterSpace):
    """The stream a registration targets (the name is the space's identity)."""
    return space_id_for(command.name)


_RULES = ("capacity", "opening_hours", "min_length_minutes", "max_length_minutes")


def _windows(given: tuple[OpeningWindowInput, ...]) -> tuple[OpeningWindow, ...]:
    """In week order, so the same hours given in another order are no change."""
    return tuple(sorted((w.as_window() for w in given), key=lambda w: (w.weekday.iso, w.opens)))


def _register(state: SpaceState | None, cmd: RegisterSpace) -> list[SpaceEvent]:
    if state is not None:
        raise AlreadyExists(f"the venue already has a space named {state.name!r}")
    return [SpaceRegistered(space_id=space_id_for(cmd.name), name=cmd.name, capacity=cmd.capacity,
                            opening_hours=_windows(cmd.opening_hours),
                            min_length_minutes=cmd.min_length_minutes, max_length_minutes=cmd.max_length_minutes)]


def _update(state: SpaceState | None, cmd: UpdateSpace) -> list[SpaceEvent]:
    if state is None:
        raise NotFound(f"space {cmd.space_id} not found")
    hours = None if cmd.opening_hours is None else _windows(cmd.opening_hours)
    asked = {"capacity": cmd.capacity, "opening_hours": hours,
             "min_length_minutes": cmd.min_length_minutes, "max_length_minutes": cmd.max_length_minutes}
    changed = {f: v for f, v in asked.items() if v is not None and v != getattr(state, f)}
    after = replace(state, **changed)
    if after.min_length_minutes > after.max_length_minutes:
        field = "max_length_minutes" if "max_length_minutes" in changed else "min_length_minutes"
        raise InvalidArgument.of(field, f"the space's lengths would be {after.min_length_minutes} to "
                                        f"{after.max_length_minutes} minutes: min must not exceed max")
    if not changed:
        return []
    return [SpaceUpdated(space_id=state.space_id, **changed)]
