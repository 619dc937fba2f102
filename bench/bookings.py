"""Bookings through gRPC: bookings/s, free-slot search latency, and two instances against one.

- **BookSpace at 32 in flight** (each call a new, non-overlapping slot of one of 10 spaces,
  consecutive calls on different space-days, by one of 17 active members of the collective,
  passing their admission token), calls/s and p50/p99, and the figure that counts
  (PERFORMANCE.md): service-side CPU per command (the bookings API + worker, Postgres and the
  broker over the measured window) / the same-run no-op server's CPU per call. membership is
  stopped once it has admitted the organisations (bookings' local view holds them), so its idle
  consumers are not counted as bookings' CPU.
- **Two instances against one**: the same load, 32 in flight spread over two bookings processes
  on one database and one broker (the second's relay and consumers stand by: one relay per topic,
  one consumer of the topic's one partition), against the first alone. On 2 cores no speed-up is
  expected: the figure shows that nothing is serialised but what the invariant needs (bookings of
  different space-days never wait for each other, in one process or two: no conflict, no
  refusal, the same CPU per booking).
- **Free-slot search over a year of bookings on 10 spaces**: a year (2030) of bookings (2 to 6 a
  day per space, 1 to 3 hours, ~14k) is decided by the bookings deciders and appended to the
  service's store in this process (the service's relay and venue projection take them from
  there, as any write); then FindFreeSlots over 1, 7 and 92 days (the most a search covers) at
  random dates, lengths and attendances, one call in flight, p50/p99, beside GetSpace (a point
  query of the same service) and the no-op call (baselines of the same run).

BENCH_SECONDS (default 5) per throughput scenario after 1 s of warm-up; BENCH_SEARCHES (default
200) per search kind; BENCH_BROKER as the other benches (default tansu). Report figures from a
shared machine as noisy.
"""
from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import grpc

from bench import grpc_admissions
from bench._postgres import bench_brokers
from bench._service import ROOT, Running, _wait_for_line, cpu_mark, cpu_window, noop_server, services
from bench._stats import pct
from bench.grpc_admissions import Figures
from lab27.bookings.v1 import bookings_pb2 as pb
from lab27.membership.v1 import membership_pb2 as mpb
from shared.application.consistency import decode_token, encode_token, merged
from shared.grpc.api import date_proto
from shared.stack.ports import free_port
from shared.stack.processes import stop_process

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "200"))
WARMUP = 1.0
IN_FLIGHT = 32
BOOK = "/lab27.bookings.v1.BookingsService/BookSpace"
CAPACITIES = (12, 20, 30, 40, 60, 80, 100, 120, 150, 200)
ORGANISATIONS = 17  # the collective
EVERY_DAY = (pb.WEEKDAY_MONDAY, pb.WEEKDAY_TUESDAY, pb.WEEKDAY_WEDNESDAY, pb.WEEKDAY_THURSDAY, pb.WEEKDAY_FRIDAY,
             pb.WEEKDAY_SATURDAY, pb.WEEKDAY_SUNDAY)
OPENS, CLOSES = 8, 22  # hours, every day
SEARCH_YEAR = 2030
BOOKING_YEARS_FROM = date(2032, 1, 1)  # the throughput scenarios' slots: never in the searched year


@dataclass
class Venue:
    spaces: list[str]  # space ids, in CAPACITIES order
    members: list[str]
    token: str  # admissions and registrations


# --- setting up ------------------------------------------------------------------------------


async def set_up(membership: Running, bookings: Running) -> Venue:
    async with grpc.aio.insecure_channel(membership.target) as m, grpc.aio.insecure_channel(bookings.target) as b:
        admit = m.unary_unary("/lab27.membership.v1.MembershipService/AdmitMember",
                              request_serializer=mpb.AdmitMemberRequest.SerializeToString,
                              response_deserializer=mpb.AdmitMemberResponse.FromString)
        admitted = [await admit(mpb.AdmitMemberRequest(
            request_id=uuid.uuid4().hex, scheme=mpb.SCHEME_HALLES_CIVIQUES, kind=mpb.KIND_ASSOCIATION,
            name=f"Organisation {i:02d} du collectif", territory="Paris", effective_date=date_proto(date(2018, 3, 1))),
            timeout=10) for i in range(ORGANISATIONS)]
        register = b.unary_unary("/lab27.bookings.v1.BookingsService/RegisterSpace",
                                 request_serializer=pb.RegisterSpaceRequest.SerializeToString,
                                 response_deserializer=pb.RegisterSpaceResponse.FromString)
        windows = [pb.OpeningWindow(weekday=d, opens=pb.LocalTime(hours=OPENS), closes=pb.LocalTime(hours=CLOSES))
                   for d in EVERY_DAY]
        spaces = [await register(pb.RegisterSpaceRequest(
            request_id=uuid.uuid4().hex, name=f"Salle {i} ({capacity} places)", capacity=capacity,
            opening_hours=pb.OpeningHours(windows=windows), min_length_minutes=30, max_length_minutes=240), timeout=10)
            for i, capacity in enumerate(CAPACITIES)]
    tokens = [r.result.consistency_token for r in admitted] + [r.result.consistency_token for r in spaces]
    venue = Venue([s.space_id for s in spaces], [r.member_id for r in admitted],
                  encode_token(merged(*(decode_token(t) for t in tokens))))
    await caught_up(bookings, venue.token, venue.spaces[0])  # bookings' view of the collective too
    return venue


async def caught_up(bookings: Running, token: str, space_id: str, timeout: float = 120.0) -> None:
    """Once the venue (and what the token names) is there; the service's own wait is bounded."""
    deadline = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(bookings.target) as channel:
        get = channel.unary_unary("/lab27.bookings.v1.BookingsService/GetSpace",
                                  request_serializer=pb.GetSpaceRequest.SerializeToString,
                                  response_deserializer=pb.GetSpaceResponse.FromString)
        while True:
            try:
                await get(pb.GetSpaceRequest(space_id=space_id, consistency_token=token), timeout=30)
                return
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise


def stop(running: Running) -> None:
    """Stops a service that services() started (it stops it again at the end: a no-op then)."""
    os.kill(running.pid, 15)
    for _ in range(300):
        try:
            os.kill(running.pid, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{running.pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return  # exited, waiting for its parent to collect it
        time.sleep(0.05)


async def second_instance(first: Running) -> tuple[Running, subprocess.Popen]:
    """Another bookings process with the first one's settings (its environment): the same
    database, the same broker."""
    env = dict(item.split("=", 1) for item in Path(f"/proc/{first.pid}/environ").read_bytes().decode().split("\0")
               if "=" in item)
    port = free_port()
    env.update(GRPC_PORT=str(port))
    log = ROOT / ".lab27" / f"bench-{os.getpid()}-bookings-second.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.bookings"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    await _wait_for_line(proc, "serving gRPC", 90, log)
    return Running(f"127.0.0.1:{port}", proc.pid, first.dsn, first.roots), proc


# --- bookings/s ---------------------------------------------------------------------------------


class Slots:
    """Serialised BookSpace requests, each a new slot; consecutive ones on different space-days
    (hour outermost), so 32 in flight never queue on one stream."""

    def __init__(self, venue: Venue, days: int = 2000) -> None:
        self.venue = venue
        self._slots = ((BOOKING_YEARS_FROM + timedelta(days=d), space, hour)
                       for hour in range(OPENS, CLOSES) for d in range(days) for space in venue.spaces)
        self._ready: list[bytes] = []

    def take(self) -> bytes:
        if not self._ready:
            self._fill(2000)
        return self._ready.pop()

    def _fill(self, n: int) -> None:
        for _ in range(n):
            day, space, hour = next(self._slots)
            self._ready.append(pb.BookSpaceRequest(
                request_id=uuid.uuid4().hex, space_id=space, organisation_id=random.choice(self.venue.members),
                day=date_proto(day), start=pb.LocalTime(hours=hour), length_minutes=60, title="Atelier", attendance=10,
                consistency_token=self.venue.token).SerializeToString())
        self._ready.reverse()


async def drive(name: str, targets: list[Running], slots: Slots, in_flight: int = IN_FLIGHT) -> tuple[Figures, dict]:
    """``in_flight`` callers spread over ``targets``; (figures, refusals by code)."""
    channels = [grpc.aio.insecure_channel(t.target, options=[("grpc.use_local_subchannel_pool", 1)])
                for t in targets for _ in range(2)]
    calls = [c.unary_unary(BOOK, request_serializer=None, response_deserializer=None) for c in channels]
    for channel in channels:
        await channel.channel_ready()
    slots.take()  # fills the first batch before the clock starts
    latencies: list[float] = []
    refused: dict[str, int] = {}
    measuring = stopping = False

    async def caller(k: int) -> None:
        call = calls[k % len(calls)]
        while not stopping:
            body = slots.take()
            started = time.perf_counter()
            try:
                await call(body, timeout=10)
            except grpc.aio.AioRpcError as error:
                if measuring:
                    refused[error.code().name] = refused.get(error.code().name, 0) + 1
                continue
            if measuring:
                latencies.append(time.perf_counter() - started)

    callers = [asyncio.create_task(caller(k)) for k in range(in_flight)]
    await asyncio.sleep(WARMUP)
    measuring = True
    start = cpu_mark(targets[0].roots, time.perf_counter)
    await asyncio.sleep(SECONDS)
    measuring = False
    end = cpu_mark(targets[0].roots, time.perf_counter)
    stopping = True
    await asyncio.gather(*callers)
    for channel in channels:
        await channel.close()
    wall, cores = cpu_window(start, end)
    cores["server"] = cores.pop("service", 0.0)
    return Figures(name, in_flight, len(latencies), sum(refused.values()), wall, latencies, cores), refused


# --- a year of bookings, and the search ------------------------------------------------------------


def year_of_bookings(venue: Venue, seed: int = 27):
    """(stream id, events) of every space-day of SEARCH_YEAR, decided by the bookings deciders."""
    from services.bookings.application.commands import new_booking_id
    from services.bookings.domain import Booker, BookSpace, OnDay, RegisterSpace, initial_day, space, space_day
    from shared.contracts.bookings import space_day_stream_id

    rng = random.Random(seed)
    opening = [{"weekday": w, "opens": f"{OPENS:02d}:00", "closes": f"{CLOSES:02d}:00"}
               for w in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")]
    states = []
    for i, capacity in enumerate(CAPACITIES):
        [registered] = space.decide(None, RegisterSpace(name=f"Salle {i} ({capacity} places)", capacity=capacity,
                                                         opening_hours=opening, min_length_minutes=30,
                                                         max_length_minutes=240))
        states.append(space.evolve(None, registered))
    assert [str(s.space_id) for s in states] == venue.spaces, "the service registered other spaces"
    day = date(SEARCH_YEAR, 1, 1)
    while day.year == SEARCH_YEAR:
        for state in states:
            at, events, day_state = OPENS * 60 + 30 * rng.randrange(0, 5), [], initial_day
            for _ in range(rng.randint(2, 6)):
                minutes = rng.choice((60, 90, 120, 180))
                if at + minutes > CLOSES * 60:
                    break
                command = BookSpace(booking_id=new_booking_id(None), space_id=state.space_id,
                                    organisation_id=rng.choice(venue.members), day=day,
                                    start=f"{at // 60:02d}:{at % 60:02d}", length_minutes=minutes, title="Atelier",
                                    attendance=rng.randint(1, state.capacity))
                decided = space_day.decide(day_state, OnDay(command, state, Booker(command.organisation_id, True)))
                for event in decided:
                    day_state = space_day.evolve(day_state, event)
                events += decided
                at += minutes + 30 * rng.randrange(0, 4)
            yield space_day_stream_id(state.space_id, day), events
        day += timedelta(days=1)


async def load_a_year(bookings: Running, venue: Venue) -> tuple[int, float]:
    """Appends the year to the service's store (32 appends at a time); (bookings, seconds until
    the venue holds them)."""
    from shared.contracts.bookings import SPACE_DAY_STREAM_TYPE, bookings_registry
    from shared.db import create_pool
    from shared.events.envelope import NewEvent
    from shared.eventstore.postgres import PostgresEventStore

    registry = bookings_registry()
    pool = await create_pool(bookings.dsn, max_size=8)
    store = PostgresEventStore(pool, producer="bookings")
    started = time.perf_counter()
    count = 0
    gate = asyncio.Semaphore(32)

    async def append(stream_id: str, events) -> None:
        new = []
        for event in events:
            event_type, version, data = registry.encode(event)
            new.append(NewEvent(event_id=uuid.uuid4(), type=event_type, schema_version=version, data=data,
                                occurred_at=datetime.now(UTC)))
        async with gate:
            await store.append(stream_id, SPACE_DAY_STREAM_TYPE, 0, new)

    tasks = []
    for stream_id, events in year_of_bookings(venue):
        count += len(events)
        tasks.append(asyncio.create_task(append(stream_id, events)))
    await asyncio.gather(*tasks)
    last = await store.last_position()
    await store.close()
    await pool.close()
    await caught_up(bookings, f"lab27.bookings.events:{last}", venue.spaces[0])
    return count, time.perf_counter() - started


async def latencies(target: str, method: str, requests: list, response) -> list[float]:
    async with grpc.aio.insecure_channel(target) as channel:
        call = channel.unary_unary(method, request_serializer=type(requests[0]).SerializeToString,
                                   response_deserializer=response.FromString)
        for request in requests[:20]:  # warm-up
            await call(request, timeout=10)
        out = []
        for request in requests:
            started = time.perf_counter()
            await call(request, timeout=10)
            out.append(time.perf_counter() - started)
        return out


def searches(days: int, seed: int) -> list[pb.FindFreeSlotsRequest]:
    rng = random.Random(seed)
    out = []
    for _ in range(SEARCHES):
        first = date(SEARCH_YEAR, 1, 1) + timedelta(days=rng.randrange(0, 365 - days))
        out.append(pb.FindFreeSlotsRequest(first_day=date_proto(first), last_day=date_proto(first + timedelta(days=days - 1)),
                                           length_minutes=rng.choice((60, 120, 180)), attendance=rng.choice((10, 30, 80))))
    return out


# --- the report --------------------------------------------------------------------------------


def latency_row(name: str, xs: list[float]) -> str:
    return f"| {name} | {len(xs)} | {pct(xs, 0.5) * 1000:.2f} | {pct(xs, 0.99) * 1000:.2f} |"


async def main() -> None:
    async with noop_server() as noop:
        baseline = {n: await grpc_admissions.drive(noop, "no-op call (baseline)", n) for n in (1, IN_FLIGHT)}
    rows: list[Figures] = [baseline[IN_FLIGHT]]
    refusals: dict[str, dict] = {}
    search_rows: list[str] = []
    for broker in bench_brokers():
        tag = f" on {broker}" if len(bench_brokers()) > 1 else ""
        async with services(("membership", "bookings"), broker) as running:
            first = running["bookings"]
            venue = await set_up(running["membership"], first)
            stop(running["membership"])  # its idle consumers are not bookings' CPU
            slots = Slots(venue)
            one, refusals[f"one instance{tag}"] = await drive(f"BookSpace, one instance{tag}", [first], slots)
            second, proc = await second_instance(first)
            try:
                two, refusals[f"two instances{tag}"] = await drive(f"BookSpace, two instances on one database{tag}",
                                                                   [first, second], slots)
            finally:
                stop_process(proc, 15)
            rows += [one, two]
            booked, loading = await load_a_year(first, venue)
            search_rows.append(f"| a year of bookings{tag} | {booked:,} bookings on {len(CAPACITIES)} spaces | "
                               f"{loading:.1f} s to append and project | |")
            for days in (1, 7, 92):
                xs = await latencies(first.target, "/lab27.bookings.v1.BookingsService/FindFreeSlots",
                                     searches(days, days), pb.FindFreeSlotsResponse)
                search_rows.append(latency_row(f"FindFreeSlots over {days} day(s){tag}", xs))
            xs = await latencies(first.target, "/lab27.bookings.v1.BookingsService/GetSpace",
                                 [pb.GetSpaceRequest(space_id=random.choice(venue.spaces)) for _ in range(SEARCHES)],
                                 pb.GetSpaceResponse)
            search_rows.append(latency_row(f"GetSpace, a point query of the same service (baseline){tag}", xs))
    search_rows.append(latency_row("no-op call, 1 in flight (baseline)", baseline[1].latencies))
    print(grpc_admissions.table(rows, {IN_FLIGHT: baseline[IN_FLIGHT]}))
    print("refusals by code:", refusals)
    print()
    print("| free-slot search (1 call in flight) | calls | p50 ms | p99 ms |\n|---|---|---|---|")
    print("\n".join(search_rows))
