"""Properties of the bookings deciders over random histories.

Retry idempotency: a command that ``decide`` accepted, decided again on the state its own
events produced (a client retry that reached the store after the first attempt committed),
emits nothing: a booking is refused with AlreadyExists (its id is on the day), every other
command returns ``[]``.

No double booking: along any history of one space-day (the stream every booking that could
overlap is decided on), no two live bookings overlap, every live booking lies within that
local day (so no booking on another day's stream could overlap it), and every live booking
keeps the space's rules.
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

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
    space,
    space_day,
)
from services.bookings.domain.refusals import SlotTaken
from services.bookings.domain.venue_time import local_day, window_instants
from shared.contracts.bookings import BookingCancelled, SpaceBooked, SpaceDayClosed, SpaceDayReopened, Weekday
from shared.domain.errors import AlreadyExists, DomainError
from tests.unit.bookings.examples import DEMOCRATIE_OUVERTE, DITP, HALLE, NIGHT, REGISTER_HALLE, THURSDAY

SPACES_AND_DAYS = [(HALLE, THURSDAY), (NIGHT, date(2018, 3, 25)), (NIGHT, date(2018, 10, 28)),
                   (NIGHT, date(2018, 10, 27))]
BOOKING_IDS = [uuid.UUID(int=i) for i in range(1, 9)]
ORGANISATIONS = [DITP, DEMOCRATIE_OUVERTE]

starts = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])).filter(
    lambda t: t.hour != 2)  # 02:xx names no instant, or two, on the nights the clocks change
bookers = st.builds(Booker, organisation_id=st.sampled_from(ORGANISATIONS), active_member=st.booleans(),
                    monthly_quota_hours=st.none() | st.integers(1, 12),
                    minutes_booked_elsewhere=st.integers(0, 600))


def commands(space_state, day):
    book = st.builds(
        lambda booking_id, start, minutes, attendance, booker: OnDay(
            BookSpace(booking_id=booking_id, space_id=space_state.space_id, organisation_id=booker.organisation_id,
                      day=day, start=start, length_minutes=minutes, title="Atelier", attendance=attendance),
            space_state, booker),
        st.sampled_from(BOOKING_IDS), starts, st.sampled_from([30, 60, 90, 120, 240, 480, 600]),
        st.integers(1, 130), bookers)
    cancel = st.builds(lambda booking_id: OnDay(CancelBooking(booking_id=booking_id, reason="reporté")),
                       st.sampled_from(BOOKING_IDS))
    close = st.just(OnDay(CloseSpaceDay(space_id=space_state.space_id, day=day, reason="travaux"), space_state))
    reopen = st.just(OnDay(ReopenSpaceDay(space_id=space_state.space_id, day=day)))
    return st.sampled_from([book] * 6 + [cancel] * 2 + [close, reopen]).flatmap(lambda s: s)


histories = st.sampled_from(SPACES_AND_DAYS).flatmap(
    lambda sd: st.tuples(st.just(sd), st.lists(commands(*sd), max_size=30)))


def outcome(decide, state, command):
    try:
        return decide(state, command)
    except DomainError as error:
        return error


def fold(evolve, state, events):
    for event in events:
        state = evolve(state, event)
    return state


@settings(max_examples=300)
@given(histories)
def test_a_retried_space_day_command_emits_nothing(history):
    _, decisions = history
    state = initial_day
    for decision in decisions:
        decided = outcome(space_day.decide, state, decision)
        if not isinstance(decided, list):
            continue
        after = fold(space_day.evolve, state, decided)
        retried = outcome(space_day.decide, after, decision)
        if decided and isinstance(decision.command, BookSpace):
            assert isinstance(retried, AlreadyExists)
        else:
            assert retried == []
        state = after


@settings(max_examples=300)
@given(histories)
def test_no_two_live_bookings_of_a_space_day_ever_overlap(history):
    (space_state, day), decisions = history
    state = initial_day
    for decision in decisions:
        decided = outcome(space_day.decide, state, decision)
        if isinstance(decided, SlotTaken):  # refused for an overlap: there is one, with a live booking
            cmd = decision.command
            assert any(b.overlaps(cmd.starts_at, cmd.ends_at) for b in state.live)
        if isinstance(decided, list):
            state = fold(space_day.evolve, state, decided)
        live = sorted(state.live, key=lambda b: b.starts_at)
        for earlier, later in zip(live, live[1:]):
            assert earlier.ends_at <= later.starts_at
        windows = [window_instants(day, w) for w in space_state.windows_on(day)]
        for booking in live:
            # within the local day: what lets one stream per space-day hold every possible overlap
            assert local_day(booking.starts_at) == day == local_day(booking.ends_at - timedelta(microseconds=1))
            assert any(opens <= booking.starts_at and booking.ends_at <= closes for opens, closes in windows)
            assert space_state.min_length_minutes <= booking.minutes <= space_state.max_length_minutes
            assert booking.attendance <= space_state.capacity
        assert not (state.closed_reason and live)  # a closed day has no live booking


aware = st.datetimes(min_value=datetime(2018, 1, 1), max_value=datetime(2019, 1, 1), timezones=st.just(UTC))
on_the_day = dict(space_id=st.just(HALLE.space_id), day=st.just(THURSDAY))
day_events = st.one_of(
    st.builds(SpaceBooked, **on_the_day, booking_id=st.sampled_from(BOOKING_IDS),
              organisation_id=st.sampled_from(ORGANISATIONS), title=st.just("x"), attendance=st.integers(1, 10),
              starts_at=aware, ends_at=aware),
    st.builds(BookingCancelled, **on_the_day, booking_id=st.sampled_from(BOOKING_IDS),
              organisation_id=st.sampled_from(ORGANISATIONS), reason=st.just("r"), starts_at=aware, ends_at=aware),
    st.builds(SpaceDayClosed, **on_the_day, reason=st.just("r")),
    st.builds(SpaceDayReopened, **on_the_day),
)


@given(st.lists(day_events, max_size=30))
def test_space_day_evolve_is_total(events):
    fold(space_day.evolve, initial_day, events)  # any order, even a cancellation first: never raises


space_commands = st.one_of(
    st.just(REGISTER_HALLE),
    st.builds(UpdateSpace, space_id=st.just(HALLE.space_id), capacity=st.none() | st.integers(1, 200),
              min_length_minutes=st.none() | st.integers(30, 60), max_length_minutes=st.none() | st.integers(60, 600),
              opening_hours=st.none() | st.sampled_from([(), ({"weekday": Weekday.MONDAY, "opens": time(8),
                                                                "closes": time(20)},)])),
)


@settings(max_examples=200)
@given(st.lists(space_commands, max_size=12))
def test_a_retried_space_command_emits_nothing(history):
    state = None
    for command in [REGISTER_HALLE, *history]:
        decided = outcome(space.decide, state, command)
        if not isinstance(decided, list):
            continue
        after = fold(space.evolve, state, decided)
        retried = outcome(space.decide, after, command)
        assert isinstance(retried, AlreadyExists) if isinstance(command, RegisterSpace) and decided else retried == []
        assert after.min_length_minutes <= after.max_length_minutes
        state = after


@given(st.lists(st.builds(SetMonthlyQuota, organisation_id=st.just(DITP), hours=st.none() | st.integers(1, 40)),
                max_size=10))
def test_a_retried_quota_emits_nothing(history):
    state = initial_organisation
    for command in history:
        after = fold(organisation.evolve, state, organisation.decide(state, command))
        assert organisation.decide(after, command) == []
        assert after.monthly_quota_hours == command.hours
        state = after
