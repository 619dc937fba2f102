"""The bookings domain: commands, states and the three deciders (pure, no I/O, no clock).

- ``space``: a room's rules, one stream per space;
- ``space_day``: bookings, cancellations and closure of one space on one local day, where
  the no-double-booking invariant is decided;
- ``organisation``: an organisation's monthly quota.
"""
from services.bookings.domain import organisation, space, space_day
from services.bookings.domain.commands import (
    BookSpace,
    BookingsCommand,
    CancelBooking,
    CloseSpaceDay,
    RegisterSpace,
    ReopenSpaceDay,
    SetMonthlyQuota,
    SpaceCommand,
    SpaceDayCommand,
    UpdateSpace,
)
from services.bookings.domain.space import registration_space_id
from services.bookings.domain.space_day import OnDay
from services.bookings.domain.state import (
    Booker,
    Booking,
    OrganisationState,
    SpaceDayState,
    SpaceState,
    initial_day,
    initial_organisation,
    initial_space,
)

__all__ = [
    "BookSpace",
    "Booker",
    "Booking",
    "BookingsCommand",
    "CancelBooking",
    "CloseSpaceDay",
    "OnDay",
    "OrganisationState",
    "RegisterSpace",
    "ReopenSpaceDay",
    "SetMonthlyQuota",
    "SpaceCommand",
    "SpaceDayCommand",
    "SpaceDayState",
    "SpaceState",
    "UpdateSpace",
    "initial_day",
    "initial_organisation",
    "initial_space",
    "organisation",
    "registration_space_id",
    "space",
    "space_day",
]
