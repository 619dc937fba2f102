"""A bookings history made by the bookings deciders from random commands (seeded): spaces of
the halles civiques, their days with bookings (some on the nights the clocks change),
cancellations, closures and reopenings, and monthly quotas; refused commands store nothing."""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from services.bookings.domain import (
    Booker,
    BookSpace,
    CancelBooking,
    CloseSpaceDay,
    OnDay,
    RegisterSpace,
    ReopenSpaceDay,
    SetMonthlyQuota,
    UpdateSpace,
    initial_day,
    initial_organisation,
    organisation,
    registration_space_id,
    space,
    space_day,
)
from shared.contracts.bookings import (
    ORGANISATION_STREAM_TYPE,
    SPACE_DAY_STREAM_TYPE,
    SPACE_STREAM_TYPE,
    SpaceBooked,
    bookings_registry,
    organisation_stream_id,
    space_day_stream_id,
    space_stream_id,
)
from shared.contracts.membership import Scheme, identity_key, member_id_for
from shared.domain.errors import DomainError
from tests.histories.base import Stored, interleaved, stored

WEEK = ["tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SPACES = [
    ("La Grande Halle", 120, 60, 480, [(d, "09:00", "22:00") for d in WEEK[:5]]),
    ("Salle Belleville", 30, 30, 240, [(d, "09:00", "12:30") for d in WEEK] + [(d, "14:00", "21:00") for d in WEEK]),
    ("L'Atelier", 12, 30, 180, [(d, "10:00", "18:00") for d in WEEK[:4]]),
    ("Salle de la Veillée", 40, 30, 720, [("saturday", "18:00", "23:59"), ("sunday", "00:00", "23:59")]),
]
ORGANISATIONS = [member_id_for(Scheme.HALLES_CIVIQUES, identity_key(name, None))
                 for name in ("La 27e Région", "Démocratie ouverte", "DITP", "Cap Collectif", "Fondation Internet Nouvelle Génération")]
DST_DAYS = [date(2018, 3, 25), date(2018, 10, 28)]
TITLES = ["Atelier des Éclaireurs", "Assemblée du collectif", "Nuit des idées", "Budget participatif"]


def _windows(hours):
    return [{"weekday": d, "opens": o, "closes": c} for d, o, c in hours]


class _Streams:
    """Each stream's state, folded as its events are stored."""

    def __init__(self) -> None:
        self.registry = bookings_registry()
        self.history: list[Stored] = []
        self.states: dict[str, object] = {}

    def run(self, stream_id: str, stream_type: str, decide: Callable, evolve: Callable, initial, command) -> list:
        state = self.states.get(stream_id, initial)
        try:
            events = decide(state, command)
        except DomainError:
            return []
        for event in events:
            state = evolve(state, event)
        self.states[stream_id] = state
        self.history += stored(stream_id, stream_type, events, self.registry)
        return events


def bookings_history(seed: int = 27, days: int = 60) -> list[Stored]:
    rng = random.Random(seed)
    s = _Streams()
    space_ids = []
    for name, capacity, shortest, longest, hours in SPACES:
        register = RegisterSpace(name=name, capacity=capacity, opening_hours=_windows(hours),
                                 min_length_minutes=shortest, max_length_minutes=longest)
        space_ids.append(registration_space_id(register))
        s.run(space_stream_id(space_ids[-1]), SPACE_STREAM_TYPE, space.decide, space.evolve, None, register)

    quotas: dict[uuid.UUID, int | None] = {}
    for org in ORGANISATIONS[:3]:
        hours = rng.choice([None, 6, 20])
        s.run(organisation_stream_id(org), ORGANISATION_STREAM_TYPE, organisation.decide, organisation.evolve,
              initial_organisation, SetMonthlyQuota(organisation_id=org, hours=hours))
        quotas[org] = hours
    booked_minutes: dict[tuple[uuid.UUID, str], int] = defaultdict(int)  # (organisation, month) -> minutes

    calendar = [date(2018, 3, 1) + timedelta(days=rng.randint(0, 240)) for _ in range(days)] + DST_DAYS
    for day in calendar:
        space_id = space_ids[3] if day in DST_DAYS else rng.choice(space_ids)  # the one open at night
        space_state = s.states[space_stream_id(space_id)]
        day_stream = space_day_stream_id(space_id, day)
        for _ in range(rng.randint(2, 10)):
            _one_day_command(rng, s, day_stream, space_state, day, quotas, booked_minutes)
        if rng.random() < 0.5:
            s.run(day_stream, SPACE_DAY_STREAM_TYPE, space_day.decide, space_day.evolve, initial_day,
                  OnDay(ReopenSpaceDay(space_id=space_id, day=day)))
        if rng.random() < 0.1:
            s.run(space_stream_id(space_id), SPACE_STREAM_TYPE, space.decide, space.evolve, None,
                  UpdateSpace(space_id=space_id, capacity=rng.randint(10, 150)))
    return interleaved(s.history, rng)


def _one_day_command(rng: random.Random, s: _Streams, stream: str, space_state, day: date,
                     quotas: dict, booked_minutes: dict) -> None:
    state = s.states.get(stream, initial_day)
    choice = rng.random()
    if choice < 0.88:
        org = rng.choice(ORGANISATIONS)
        month = f"{day:%Y-%m}"
        here = sum(b.minutes for b in state.live if b.organisation_id == org)
        booker = Booker(org, active_member=rng.random() < 0.95, monthly_quota_hours=quotas.get(org),
                        minutes_booked_elsewhere=booked_minutes[(org, month)] - here)
        command = BookSpace(booking_id=uuid.UUID(int=rng.getrandbits(128)), space_id=space_state.space_id,
                            organisation_id=org, day=day, start=f"{rng.choice([0, 1, 9, 10, 11, 14, 15, 16, 18, 20]):02d}:"
                                                                 f"{rng.choice(['00', '30'])}",
                            length_minutes=rng.choice([30, 60, 90, 120, 180, 240]), title=rng.choice(TITLES),
                            attendance=rng.randint(1, 60))
        for event in s.run(stream, SPACE_DAY_STREAM_TYPE, space_day.decide, space_day.evolve, initial_day,
                           OnDay(command, space_state, booker)):
            booked_minutes[(org, month)] += command.length_minutes if isinstance(event, SpaceBooked) else 0
    elif choice < 0.95 and state.live:
        booking = rng.choice(state.live)
        if s.run(stream, SPACE_DAY_STREAM_TYPE, space_day.decide, space_day.evolve, initial_day,
                 OnDay(CancelBooking(booking_id=booking.booking_id, reason=rng.choice(["reporté", "annulé\npar l'élu"])))):
            booked_minutes[(booking.organisation_id, f"{day:%Y-%m}")] -= booking.minutes
    else:
        s.run(stream, SPACE_DAY_STREAM_TYPE, space_day.decide, space_day.evolve, initial_day,
              OnDay(CloseSpaceDay(space_id=space_state.space_id, day=day, reason="travaux"), space_state))
