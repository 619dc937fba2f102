"""Bookings through gRPC only, beside membership (each its own process and database, one
broker): the venue's spaces, finding a free slot, booking it and seeing it in the calendar
(day and week), an organisation's bookings with its quota used this month, every refusal
naming its rule, bad input at its field, the two clock changes, and who may book (an active
member of the collective, one admitted a moment ago included, with its admission token)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import grpc
import pytest

from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.membership.v1 import membership_pb2 as mpb
from services.bookings.domain import refusals
from shared.contracts.bookings import VENUE_TIME_ZONE
from shared.grpc.api import date_proto
from shared.grpc.client import field_violations
from tests.e2e.bookings_client import (
    TUESDAY_TO_SATURDAY,
    admit,
    booking_request,
    calendar,
    day_of,
    joined,
    local_text,
    refusal,
    rid,
    space_request,
)
from tests.e2e.services import System

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "bookings")
PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
THURSDAY = date(2018, 3, 15)
SPRING, AUTUMN = date(2018, 3, 25), date(2018, 10, 28)  # Sundays the clocks change in Paris


@dataclass
class Venue:
    halle: str
    atelier: str
    veillee: str
    members: dict[str, str]  # name -> member id of the collective
    token: str  # every write above

    def member(self, name: str) -> str:
        return self.members[name]


@pytest.fixture(scope="module")
async def venue(system: System) -> Venue:
    bookings, membership = system.bookings.stub, system.membership.stub
    tokens = []
    ids = []
    for request in (
        space_request("La Grande Halle", 120, TUESDAY_TO_SATURDAY, "09:00", "22:00", 60, 480),
        space_request("L'Atelier", 12, TUESDAY_TO_SATURDAY[:4], "10:00", "18:00", 30, 180),
        space_request("Salle de la Veillée", 40, (pb.WEEKDAY_SATURDAY, pb.WEEKDAY_SUNDAY), "00:00", "23:59", 30, 720),
    ):
        reply = await bookings.RegisterSpace(request, timeout=10)
        ids.append(reply.space_id)
        tokens.append(reply.result.consistency_token)
    members = {}
    for name in ("La 27e Région", "Démocratie ouverte", "DITP"):
        members[name], token = await admit(membership, name)
        tokens.append(token)
    return Venue(*ids, members, joined(*tokens))


def first_weekday_of_this_month(weekday: int) -> date:
    first = datetime.now(VENUE_TIME_ZONE).date().replace(day=1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


# --- spaces ---------------------------------------------------------------------------------


async def test_the_venues_spaces_and_their_rules(system: System, venue: Venue):
    bookings = system.bookings.stub
    listed = await bookings.ListSpaces(pb.ListSpacesRequest(consistency_token=venue.token), timeout=10)
    assert {s.name for s in listed.spaces} == {"La Grande Halle", "L'Atelier", "Salle de la Veillée"}
    halle = (await bookings.GetSpace(pb.GetSpaceRequest(space_id=venue.halle, consistency_token=venue.token),
                                     timeout=10)).space
    assert (halle.capacity, halle.min_length_minutes, halle.max_length_minutes, halle.version) == (120, 60, 480, 1)
    assert [(w.weekday, local_text(w.opens), local_text(w.closes)) for w in halle.opening_hours.windows] == [
        (d, "09:00", "22:00") for d in TUESDAY_TO_SATURDAY]
    again = space_request("la grande  halle", 50, TUESDAY_TO_SATURDAY, "09:00", "12:00", 30, 60)
    code, *_ = await refusal(bookings.RegisterSpace(again, timeout=10))
    assert code == grpc.StatusCode.ALREADY_EXISTS  # the name is the space's identity


# --- the main flow ----------------------------------------------------------------------------


async def test_find_a_free_slot_book_it_and_see_it_in_the_calendar(system: System, venue: Venue):
    bookings = system.bookings.stub
    search = pb.FindFreeSlotsRequest(first_day=date_proto(THURSDAY), last_day=date_proto(THURSDAY),
                                     length_minutes=120, attendance=80, consistency_token=venue.token)
    [slot] = (await bookings.FindFreeSlots(search, timeout=10)).slots  # only the halle holds 80
    assert (slot.space_id, day_of(slot.day), local_text(slot.start), local_text(slot.end)) == (
        venue.halle, THURSDAY, "09:00", "22:00")

    request = booking_request(slot.space_id, venue.member("DITP"), THURSDAY, local_text(slot.start), 120,
                              attendance=80, title="Assemblée du collectif", token=venue.token)
    booked = await bookings.BookSpace(request, timeout=10)
    token = booked.result.consistency_token
    [day] = (await calendar(bookings, venue.halle, THURSDAY, token)).days
    assert [(b.booking_id, local_text(b.start), local_text(b.end), b.title) for b in day.bookings] == [
        (booked.booking_id, "09:00", "11:00", "Assemblée du collectif")]
    assert [(local_text(p.opens), local_text(p.closes)) for p in day.opening] == [("09:00", "22:00")]
    assert (day.closed, day.version) == (False, 1)

    week = (await calendar(bookings, venue.halle, THURSDAY, token, span=pb.CALENDAR_SPAN_WEEK)).days
    assert [day_of(d.day) for d in week] == [date(2018, 3, 12) + timedelta(days=i) for i in range(7)]
    assert {day_of(d.day): [b.booking_id for b in d.bookings] for d in week if d.bookings} == {
        THURSDAY: [booked.booking_id]}
    assert [len(d.opening) for d in week] == [0, 1, 1, 1, 1, 1, 0]  # closed on Mondays and Sundays

    search.consistency_token = token
    [after] = (await bookings.FindFreeSlots(search, timeout=10)).slots
    assert (local_text(after.start), local_text(after.end)) == ("11:00", "22:00")
    got = (await bookings.GetBooking(pb.GetBookingRequest(booking_id=booked.booking_id, consistency_token=token),
                                     timeout=10)).booking
    assert (got.status, got.length_minutes, got.organisation_id) == (
        pb.BOOKING_STATUS_BOOKED, 120, venue.member("DITP"))

    retried = await bookings.BookSpace(request, timeout=10)  # same request id: the first result
    assert (retried.booking_id, retried.result.duplicate, retried.result.version) == (booked.booking_id, True, 1)


async def test_an_organisations_bookings_with_its_quota_used_this_month(system: System, venue: Venue):
    bookings = system.bookings.stub
    organisation = venue.member("La 27e Région")
    quota = await bookings.SetMonthlyQuota(pb.SetMonthlyQuotaRequest(
        request_id=rid(), organisation_id=organisation, hours=3), timeout=10)
    token = joined(venue.token, quota.result.consistency_token)
    thursday = first_weekday_of_this_month(3)
    for space, start, minutes in ((venue.halle, "14:00", 120), (venue.atelier, "10:00", 60)):
        booked = await bookings.BookSpace(booking_request(space, organisation, thursday, start, minutes, attendance=10,
                                                          token=token), timeout=10)
        token = joined(token, booked.result.consistency_token)
    listed = await bookings.ListOrganisationBookings(pb.ListOrganisationBookingsRequest(
        organisation_id=organisation, consistency_token=token), timeout=10)  # month unset: this month
    assert [(b.space_id, local_text(b.start)) for b in listed.bookings] == [(venue.atelier, "10:00"),
                                                                           (venue.halle, "14:00")]
    assert (day_of(listed.month), listed.minutes_booked_in_month) == (thursday.replace(day=1), 180)
    assert (listed.HasField("monthly_quota_hours"), listed.monthly_quota_hours, listed.quota_version) == (True, 3, 1)

    code, rule, subject, message = await refusal(bookings.BookSpace(booking_request(
        venue.atelier, organisation, thursday + timedelta(days=7), "10:00", 30, attendance=10, token=token),
        timeout=10))
    assert (code, rule, subject) == (PRECONDITION, "OVER_QUOTA", f"organisation {organisation}")
    assert message.startswith(refusals.OverQuota.rule) and "3 h of 3 h" in message
    other_month = await bookings.ListOrganisationBookings(pb.ListOrganisationBookingsRequest(
        organisation_id=organisation, month=date_proto(date(2018, 3, 1)), consistency_token=token), timeout=10)
    assert other_month.minutes_booked_in_month == 0 and len(other_month.bookings) == 2  # every booking is listed


# --- refusals and bad input ---------------------------------------------------------------------


async def test_each_refusal_names_the_rule_it_breaks(system: System, venue: Venue):
    bookings = system.bookings.stub
    organisation, tuesday = venue.member("Démocratie ouverte"), date(2018, 3, 20)
    closed = await bookings.CloseSpaceDay(pb.CloseSpaceDayRequest(
        request_id=rid(), space_id=venue.halle, day=date_proto(tuesday + timedelta(days=1)),
        reason="assemblée générale"), timeout=10)
    made = await bookings.BookSpace(booking_request(venue.halle, organisation, tuesday, "10:00", 120,
                                                    token=venue.token), timeout=10)
    token = joined(venue.token, closed.result.consistency_token)
    halle_on = f"space {venue.halle} {tuesday.isoformat()}"
    cases = [
        ("08:00", 120, 20, tuesday, "OUTSIDE_OPENING_HOURS", halle_on, "open 09:00-22:00"),
        ("21:00", 120, 20, tuesday, "OUTSIDE_OPENING_HOURS", halle_on, "21:00-23:00"),
        ("10:00", 120, 20, tuesday - timedelta(days=1), "OUTSIDE_OPENING_HOURS",
         f"space {venue.halle} 2018-03-19", "closed all day"),
        ("10:00", 120, 20, tuesday + timedelta(days=1), "CLOSED_DAY", f"space {venue.halle} 2018-03-21",
         "assemblée générale"),
        ("14:00", 120, 121, tuesday, "OVER_CAPACITY", f"space {venue.halle}", "holds 120"),
        ("14:00", 30, 20, tuesday, "LENGTH_OUT_OF_BOUNDS", f"space {venue.halle}", "60 to 480 minutes"),
        ("09:00", 540, 20, tuesday, "LENGTH_OUT_OF_BOUNDS", f"space {venue.halle}", "540 minutes asked"),
        ("11:00", 60, 20, tuesday, "SLOT_TAKEN", f"booking {made.booking_id} 2018-03-20 10:00-12:00", "10:00-12:00"),
    ]
    rules = {"OUTSIDE_OPENING_HOURS": refusals.OutsideOpeningHours, "CLOSED_DAY": refusals.ClosedDay,
             "OVER_CAPACITY": refusals.OverCapacity, "LENGTH_OUT_OF_BOUNDS": refusals.LengthOutOfBounds,
             "SLOT_TAKEN": refusals.SlotTaken}
    for start, minutes, attendance, day, rule, subject, detail in cases:
        code, got_rule, got_subject, message = await refusal(bookings.BookSpace(booking_request(
            venue.halle, organisation, day, start, minutes, attendance=attendance, token=token), timeout=10))
        assert (code, got_rule, got_subject) == (PRECONDITION, rule, subject), (start, minutes, day)
        assert message.startswith(rules[rule].rule) and detail in message, message

    code, rule, _, message = await refusal(bookings.CloseSpaceDay(pb.CloseSpaceDayRequest(
        request_id=rid(), space_id=venue.halle, day=date_proto(tuesday), reason="travaux"), timeout=10))
    assert (code, rule) == (PRECONDITION, "DAY_HAS_BOOKINGS") and made.booking_id in message


async def test_bad_input_is_reported_at_its_fields_and_unknown_ids_are_not_found(system: System, venue: Venue):
    bookings = system.bookings.stub
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await bookings.BookSpace(pb.BookSpaceRequest(
            request_id=rid(), space_id="la halle", organisation_id=venue.member("DITP"), day=date_proto(SPRING),
            start=pb.LocalTime(hours=2, minutes=30), length_minutes=0, title="", attendance=0), timeout=10)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field: v.description for v in field_violations(bad.value)}
    assert set(fields) == {"space_id", "start", "length_minutes", "title", "attendance"}
    assert "does not exist on 2018-03-25" in fields["start"]  # the spring gap: 02:00-03:00 never happens
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await bookings.RegisterSpace(space_request("Salle Nouvelle", 10, (pb.WEEKDAY_MONDAY,), "18:00", "09:00",
                                                   30, 20), timeout=10)
    assert {v.field for v in field_violations(bad.value)} == {"opening_hours.windows[0].closes",
                                                              "max_length_minutes"}
    unknown = rid()[:8] + "-0000-4000-8000-000000000000"
    code, *_ = await refusal(bookings.BookSpace(booking_request(unknown, venue.member("DITP"), THURSDAY, "10:00", 60,
                                                                token=venue.token), timeout=10))
    assert code == grpc.StatusCode.NOT_FOUND
    code, *_ = await refusal(bookings.GetBooking(pb.GetBookingRequest(booking_id=unknown), timeout=10))
    assert code == grpc.StatusCode.NOT_FOUND
    code, *_ = await refusal(bookings.GetCalendar(pb.GetCalendarRequest(space_id=venue.halle), timeout=10))
    assert code == grpc.StatusCode.INVALID_ARGUMENT  # a calendar needs its day
    code, *_ = await refusal(bookings.ListSpaces(pb.ListSpacesRequest(consistency_token="nope"), timeout=10))
    assert code == grpc.StatusCode.INVALID_ARGUMENT


# --- the clocks change ----------------------------------------------------------------------------


@pytest.mark.parametrize(("sunday", "local_end", "window_hours"), [(SPRING, "05:30", 23), (AUTUMN, "03:30", 25)])
async def test_a_booking_across_a_clock_change_has_its_length_on_its_local_day(
        system: System, venue: Venue, sunday: date, local_end: str, window_hours: int):
    bookings = system.bookings.stub
    booked = await bookings.BookSpace(booking_request(venue.veillee, venue.member("DITP"), sunday, "00:30", 240,
                                                      title="Nuit des idées", token=venue.token), timeout=10)
    token = booked.result.consistency_token
    got = (await bookings.GetBooking(pb.GetBookingRequest(booking_id=booked.booking_id, consistency_token=token),
                                     timeout=10)).booking
    assert got.end_time.ToDatetime() - got.start_time.ToDatetime() == timedelta(hours=4)
    assert (got.length_minutes, local_text(got.start), local_text(got.end), day_of(got.day)) == (
        240, "00:30", local_end, sunday)
    assert got.start_time.ToDatetime().date() == sunday - timedelta(days=1)  # in UTC it starts on Saturday
    week = (await calendar(bookings, venue.veillee, sunday, token, span=pb.CALENDAR_SPAN_WEEK)).days
    assert {day_of(d.day): [b.booking_id for b in d.bookings] for d in week if d.bookings} == {
        sunday: [booked.booking_id]}
    [opening] = week[-1].opening  # the Sunday's window, 00:00-23:59 in wall-clock time
    assert opening.close_time.ToDatetime() - opening.open_time.ToDatetime() == timedelta(hours=window_hours,
                                                                                         minutes=-1)


# --- who may book ----------------------------------------------------------------------------------


async def test_only_active_members_of_the_collective_book(system: System, venue: Venue):
    bookings, membership = system.bookings.stub, system.membership.stub
    friday = date(2018, 3, 23)

    async def book(organisation: str, start: str, token: str):
        return await bookings.BookSpace(booking_request(venue.atelier, organisation, friday, start, 30, attendance=5,
                                                        token=joined(venue.token, token)), timeout=10)

    stranger = rid()[:8] + "-1111-4111-8111-111111111111"
    association_only, token = await admit(membership, "Commune de Kingersheim", scheme=mpb.SCHEME_ASSOCIATION)
    for organisation, with_token in ((stranger, ""), (association_only, token)):
        code, rule, subject, _ = await refusal(book(organisation, "10:00", with_token))
        assert (code, rule, subject) == (PRECONDITION, "NOT_AN_ACTIVE_MEMBER", f"organisation {organisation}")

    # Admitted a moment ago: with the admission's token, its booking is decided once bookings
    # has heard of it (several in a row: not one lucky race).
    for i, start in enumerate(("10:30", "11:00", "11:30")):
        member, token = await admit(membership, f"Collectif de quartier {i}")
        booked = await book(member, start, token)
        assert booked.booking_id and not booked.result.duplicate

    suspended = await membership.SuspendMember(mpb.SuspendMemberRequest(
        request_id=rid(), member_id=member, reason="cotisation impayée", effective_date=date_proto(date(2018, 4, 1))),
        timeout=10)
    code, rule, *_ = await refusal(book(member, "12:00", suspended.result.consistency_token))
    assert (code, rule) == (PRECONDITION, "NOT_AN_ACTIVE_MEMBER")
    reinstated = await membership.ReinstateMember(mpb.ReinstateMemberRequest(
        request_id=rid(), member_id=member, effective_date=date_proto(date(2018, 4, 2))), timeout=10)
    assert (await book(member, "12:00", reinstated.result.consistency_token)).booking_id
