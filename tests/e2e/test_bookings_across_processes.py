"""What holds across processes, through gRPC only: membership -> bookings (leaving the
collective), and two bookings processes on one database (no double booking).

**Leaving the collective.** An organisation leaves (membership's LeaveMember, dated in 2018
and sent today): exactly its bookings that start after its departure are cancelled, with the
reason, once; a bookings query carrying LeaveMember's token sees it (no sleep). Then
membership's topic is replayed to the reaction, which cancels nothing more. The replay: the
reaction's checkpoint on membership's topic is forgotten (the test's own look at the bookings
database, as an operator resetting a consumer would), so the next membership record shows it a
gap and it reads the topic again from the start: the departure is handled a second time, and
its CancelBooking requests (ids derived from the departure's event id and each booking) are
answered by the store with their first results.

**Overlapping requests over two processes.** 50 requests for one space and day, each from
10:00 + i minutes for two hours (every pair overlaps), sent at once and spread over two
bookings processes that share one database and one broker (as two replicas would): exactly
one is stored, every other is refused FAILED_PRECONDITION / SLOT_TAKEN naming the winner's
slot, and the calendar shows exactly the winner, whichever process is asked. The second
process is a whole service (ROLE=split: API and worker). Its worker's relay stands by (a
topic's relay holds a session advisory lock) and its consumers join the first's consumer
group, where the first keeps both topics' one partition: the second worker stands by too, so
the read models and the reaction are applied once. Both APIs learn of checkpoints from the
database (LISTEN), so a token from either process is honoured by both.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import grpc
import pytest

from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.membership.v1 import membership_pb2 as mpb
from shared.application.consistency import decode_token
from shared.grpc.api import date_proto
from shared.grpc.client import precondition_violations
from shared.settings import events_topic
from tests.e2e.bookings_client import (
    TUESDAY_TO_SATURDAY,
    admit,
    as_a_client_would,
    booking_request,
    calendar,
    day_of,
    joined,
    local_text,
    refusal,
    rid,
    space_request,
)
from tests.e2e.services import ServiceProcess, System

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "bookings")
REQUESTS = 50
THURSDAY = date(2018, 3, 15)
LEFT_ON = date(2018, 6, 1)  # a Friday
REASON = "dissolution de l'association"
CANCELLED_WITH = f"the organisation left the halles-civiques collective on 2018-06-01: {REASON}"
LEAVER_SLOTS = [(date(2018, 4, 12), "10:00"), (date(2018, 5, 31), "18:00"),  # before: they stay
                (date(2018, 6, 1), "14:00"), (date(2018, 6, 14), "10:00"), (date(2018, 9, 13), "10:00")]


async def store_counts(service: ServiceProcess) -> dict[str, int]:
    """Events per type in the bookings store (the test's own look, not the service's API)."""
    conn = await asyncpg.connect(service.dsn)
    try:
        return {r["type"]: r["n"] for r in await conn.fetch("SELECT type, count(*) AS n FROM events GROUP BY type")}
    finally:
        await conn.close()


async def forget_the_reactions_membership_checkpoint(service: ServiceProcess) -> None:
    conn = await asyncpg.connect(service.dsn)
    try:
        status = await conn.execute("DELETE FROM bookings_on_leave.checkpoint WHERE source = $1",
                                    events_topic("membership"))
        assert status == "DELETE 1"
    finally:
        await conn.close()


async def statuses(bookings, organisation: str, token: str) -> dict[tuple[date, str], tuple[int, str]]:
    listed = await bookings.ListOrganisationBookings(pb.ListOrganisationBookingsRequest(
        organisation_id=organisation, consistency_token=token), timeout=10)
    return {(day_of(b.day), f"{b.start.hours:02d}:{b.start.minutes:02d}"): (b.status, b.cancel_reason)
            for b in listed.bookings}


@pytest.fixture(scope="module")
async def halle(system: System) -> tuple[str, str]:
    """The space every test here books: (space id, token)."""
    registered = await system.bookings.stub.RegisterSpace(space_request(
        "La Grande Halle", 120, TUESDAY_TO_SATURDAY, "09:00", "22:00", 60, 480), timeout=10)
    return registered.space_id, registered.result.consistency_token


@pytest.fixture(scope="module")
async def second(system: System) -> AsyncIterator[ServiceProcess]:
    """Another bookings process on the first one's database and broker."""
    first = system.bookings
    process = ServiceProcess(dsn=first.dsn, work_dir=first.work_dir / "second", service="bookings",
                             broker=system.broker, extra_env=first.extra_env)
    try:
        await process.start()
        yield process
    finally:
        await process.terminate()
    unexpected = process.recorder.unexpected()
    assert not unexpected, f"calls answered UNKNOWN/INTERNAL: {unexpected[:5]} (log: {process.log_path})"


# --- leaving the collective ------------------------------------------------------------


async def test_a_member_leaves_and_exactly_its_future_bookings_are_cancelled_once(
        system: System, halle: tuple[str, str]):
    bookings, membership = system.bookings.stub, system.membership.stub
    space_id, registered_token = halle
    leaver, leaver_token = await admit(membership, "Cap Collectif")
    stayer, stayer_token = await admit(membership, "Démocratie ouverte")
    token = joined(registered_token, leaver_token, stayer_token)
    for day, start in LEAVER_SLOTS:
        await bookings.BookSpace(booking_request(space_id, leaver, day, start, 120, token=token), timeout=10)
    kept = await bookings.BookSpace(booking_request(space_id, stayer, date(2018, 6, 14), "14:00", 120, token=token),
                                    timeout=10)

    left = await membership.LeaveMember(mpb.LeaveMemberRequest(
        request_id=rid(), member_id=leaver, reason=REASON, effective_date=date_proto(LEFT_ON)), timeout=10)
    after_leaving = joined(token, left.result.consistency_token)
    booked, cancelled = pb.BOOKING_STATUS_BOOKED, pb.BOOKING_STATUS_CANCELLED
    assert await statuses(bookings, leaver, after_leaving) == {
        (date(2018, 4, 12), "10:00"): (booked, ""), (date(2018, 5, 31), "18:00"): (booked, ""),
        (date(2018, 6, 1), "14:00"): (cancelled, CANCELLED_WITH), (date(2018, 6, 14), "10:00"): (cancelled, CANCELLED_WITH),
        (date(2018, 9, 13), "10:00"): (cancelled, CANCELLED_WITH)}
    [day] = (await calendar(bookings, space_id, date(2018, 6, 14), after_leaving)).days
    assert [b.booking_id for b in day.bookings] == [kept.booking_id]  # the other organisation's stays
    assert (await store_counts(system.bookings))["bookings.BookingCancelled"] == 3
    code, rule, *_ = await refusal(bookings.BookSpace(booking_request(space_id, leaver, date(2018, 9, 20), "10:00", 60,
                                                                      token=after_leaving), timeout=10))
    assert (code, rule) == (grpc.StatusCode.FAILED_PRECONDITION, "NOT_AN_ACTIVE_MEMBER")

    # Membership's topic replayed to the reaction: the departure is handled again, nothing more stored.
    before_replay = await store_counts(system.bookings)
    await forget_the_reactions_membership_checkpoint(system.bookings)
    _, later = await admit(membership, "Fondation Internet Nouvelle Génération")  # the record that shows the gap
    after_replay = joined(after_leaving, later)
    assert await statuses(bookings, leaver, after_replay) == await statuses(bookings, leaver, after_leaving)
    assert await store_counts(system.bookings) == before_replay
    [day] = (await calendar(bookings, space_id, date(2018, 6, 14), after_replay)).days
    assert (day.version, [b.booking_id for b in day.bookings]) == (3, [kept.booking_id])  # 2 booked, 1 cancelled
    conn = await asyncpg.connect(system.bookings.dsn)
    try:
        handled_to = await conn.fetchval("SELECT position FROM bookings_on_leave.checkpoint WHERE source = $1",
                                         events_topic("membership"))
        anomalies = await conn.fetchval("SELECT count(*) FROM bookings_on_leave.anomalies")
    finally:
        await conn.close()
    # Forgotten, the checkpoint could only come back past the gap by reading the topic from 0.
    assert handled_to >= decode_token(later)[events_topic("membership")]
    assert "bookings_on_leave: lab27.membership.events jumps from 0" in system.bookings.log_path.read_text()
    assert anomalies == 0


# --- two processes, one database -------------------------------------------------------


async def test_50_overlapping_requests_over_two_processes_store_exactly_one(
        system: System, halle: tuple[str, str], second: ServiceProcess):
    instances = [system.bookings.stub, second.stub]
    membership = system.membership.stub
    space_id, registered_token = halle
    admitted = await asyncio.gather(*(admit(membership, f"Organisation {i:02d} du collectif") for i in range(REQUESTS)))
    token = joined(registered_token, *(t for _, t in admitted))

    async def one(i: int):
        request = booking_request(space_id, admitted[i][0], THURSDAY, f"10:{i:02d}", 120,
                                  title=f"Atelier {i}", token=token)
        try:
            return await as_a_client_would(lambda: instances[i % 2].BookSpace(request, timeout=30))
        except grpc.aio.AioRpcError as error:
            return error

    results = await asyncio.gather(*(one(i) for i in range(REQUESTS)))
    won = [(i, r) for i, r in enumerate(results) if isinstance(r, pb.BookSpaceResponse)]
    assert len(won) == 1, [r.code() for r in results if isinstance(r, grpc.aio.AioRpcError)]
    [(winner, reply)] = won
    slot = f"booking {reply.booking_id} 2018-03-15 10:{winner:02d}-12:{winner:02d}"
    for i, lost in enumerate(results):
        if i != winner:
            assert lost.code() == grpc.StatusCode.FAILED_PRECONDITION, (i, lost.code(), lost.details())
            [violation] = precondition_violations(lost)
            assert (violation.type, violation.subject) == ("SLOT_TAKEN", slot), (i, lost.details())

    after = joined(token, reply.result.consistency_token)
    for stub in instances:  # a token from either process is honoured by both
        [day] = (await calendar(stub, space_id, THURSDAY, after)).days
        assert [(b.booking_id, local_text(b.start)) for b in day.bookings] == [(reply.booking_id, f"10:{winner:02d}")]
        assert day.version == 1
