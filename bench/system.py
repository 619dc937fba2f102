"""The whole system as `make run` starts it (python -m shared.stack), per broker:

1. **Start-up**: from launching until every service is SERVING, and until the article's
   history is loaded and its summary printed (first start, a fresh data folder: initdb
   included), then again on a second start (the data kept: nothing is loaded again).
2. **Idle**: the CPU of every process of the system (four APIs, four workers, Postgres, the
   broker, the launcher) over BENCH_IDLE_SECONDS once it has settled, and their memory (RSS).
   Baseline, same run: the rest of the machine ("not ours").
3. **Mixed load at 32 in flight**, 8 callers per service: AdmitMember, EnrolAgent (spread over
   cohorts), AllocateShare (spread over grants) and BookSpace (each a new slot). The figure that
   counts (PERFORMANCE.md): the service side's CPU (every service process, Postgres, the broker)
   per command / the same-run no-op server's CPU per call; each service's own processes per its
   own commands beside it.
4. **Cross-service reaction lag at rest**, p50/p99, one departure at a time: from a LeaveMember
   reply until a query carrying its token shows the effect in the other service: a host's
   running cohort on hold (cohorts) and its allocation frozen (funding), both asked at once;
   a collective organisation's future bookings cancelled (bookings). Baseline, same run:
   membership's own GetMember with the same token (its read-your-writes).

BENCH_BROKER=tansu,kafka (default tansu); BENCH_SECONDS (default 5), BENCH_IDLE_SECONDS (10),
BENCH_IDLE_SETTLE (15), BENCH_REACTION_SAMPLES (20).
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import grpc

from bench import bookings as bookings_bench
from bench import cohorts as cohorts_bench
from bench import funding as funding_bench
from bench._postgres import bench_brokers
from bench._service import ROOT, CpuMark, Running, cpu_mark, cpu_window, noop_server, parent_of, process_tree
from bench._stats import pct
from bench.cohorts import regrouped
from bench.grpc_admissions import ADMIT, Requests, drive
from lab27.bookings.v1 import bookings_pb2 as bpb
from lab27.cohorts.v1 import cohorts_pb2 as cpb
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as fpb
from lab27.funding.v1 import funding_pb2_grpc
from lab27.membership.v1 import membership_pb2 as mpb
from shared.grpc.api import date_proto
from shared.scenario.loader import Stubs
from shared.stack.stack import BROKER_ENV

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "10"))
SETTLE = float(os.environ.get("BENCH_IDLE_SETTLE", "15"))
REACTION_SAMPLES = int(os.environ.get("BENCH_REACTION_SAMPLES", "20"))
WARMUP = 1.0
PER_SERVICE = 8  # callers per service: 32 in flight in all
SERVICES = ("membership", "cohorts", "funding", "bookings")
METHODS = {"membership": ADMIT, "cohorts": cohorts_bench.ENROL, "funding": funding_bench.ALLOCATE,
           "bookings": bookings_bench.BOOK}
GOALS = {"start": 10.0, "idle cores": 0.05, "cpu ratio": 2.5, "reaction p99 ms": 50.0}
LEFT_ON = date(2026, 6, 1)


# --- the launcher -------------------------------------------------------------------------------


@dataclass
class System:
    proc: asyncio.subprocess.Process
    data: Path
    endpoints: dict[str, str] = field(default_factory=dict)
    serving_s: float = 0.0  # launch -> every service SERVING
    running_s: float = 0.0  # launch -> history loaded (first start) and summary printed
    lines: list[str] = field(default_factory=list)

    @property
    def roots(self) -> tuple[int, ...]:
        """The launcher, and the postmaster (pg_ctl detaches it from the launcher)."""
        postmaster = int((self.data / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])
        return (self.proc.pid, postmaster)

    def running(self, name: str) -> Running:
        """The service's API process (the launcher's child; its worker is the API's child)."""
        pid = next(p for p in process_tree(self.proc.pid)
                   if parent_of(p) == self.proc.pid and _cmdline(p).endswith(f"-m services.{name}"))
        return Running(self.endpoints[name], pid, roots=self.roots)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


async def launch(data: Path, broker: str) -> System:
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_DSN", "KAFKA_BOOTSTRAP_SERVERS")}
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "shared.stack", "--data", str(data), cwd=ROOT, env={**env, BROKER_ENV: broker},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    system = System(proc, data)
    assert proc.stdout is not None
    async for raw in proc.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        system.lines.append(line)
        if m := re.match(r"(\w+)\s+grpc://(\S+)\s+ready", line):
            system.endpoints[m[1]] = m[2]
        if line.startswith("serving"):
            system.serving_s = time.perf_counter() - started
        if "lab27 is running" in line:
            system.running_s = time.perf_counter() - started
            break
    if set(system.endpoints) != set(SERVICES) or not system.running_s:
        raise RuntimeError("the launcher did not start every service:\n" + "\n".join(system.lines))
    asyncio.create_task(_drain(proc))
    return system


async def _drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    async for _ in proc.stdout:
        pass


async def stop(system: System) -> None:
    system.proc.send_signal(signal.SIGINT)
    await asyncio.wait_for(system.proc.wait(), 60)


# --- 2. idle CPU and memory ---------------------------------------------------------------------


def grouped(mark: CpuMark, system: System) -> CpuMark:
    """The mark with each service's processes (API and worker) under the service's name."""
    groups = {name: process_tree(system.running(name).pid) for name in SERVICES}
    groups["launcher"] = {system.proc.pid}
    return regrouped(mark, groups)


def rss_mib(mark: CpuMark) -> dict[str, float]:
    by_group: dict[str, float] = {}
    for pid, (label, _cpu) in mark.processes.items():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if m := re.search(r"VmRSS:\s+(\d+) kB", status):
            by_group[label] = by_group.get(label, 0.0) + int(m[1]) / 1024
    by_group.pop("client", None)
    return by_group


async def idle(system: System) -> tuple[dict[str, float], dict[str, float]]:
    await asyncio.sleep(SETTLE)
    start = grouped(cpu_mark(system.roots), system)
    await asyncio.sleep(IDLE_SECONDS)
    end = grouped(cpu_mark(system.roots), system)
    return cpu_window(start, end)[1], rss_mib(end)


# --- 3. mixed load ------------------------------------------------------------------------------


class Mixed:
    """Each service's serialised requests, made before the clock starts."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.take: dict[str, object] = {}
        self.space_id = ""  # a space of the bench's venue (open every day, 8:00-22:00)

    async def prepare(self) -> None:
        s = {name: self.system.running(name) for name in SERVICES}
        tag = uuid.uuid4().hex[:6]
        self.take["membership"] = Requests(f"system-{tag}").take
        cohort_ids = await cohorts_bench.cohorts_for(s, 24)
        self.take["cohorts"] = lambda e=cohorts_bench.Enrolments(cohort_ids, tag): e.take()[1]
        members, token, _row = await funding_bench.admit_members(s, 400, f"system-{tag}")
        async with grpc.aio.insecure_channel(s["funding"].target) as channel:
            stub = funding_pb2_grpc.FundingServiceStub(channel)
            grants = [await funding_bench.award(stub, f"Fondation {tag} {i}", 1000) for i in range(4)]
        allocations = iter([funding_bench.allocation(g, m, token) for m in members for g in grants])
        self.take["funding"] = lambda: next(allocations)
        venue = await bookings_bench.set_up(s["membership"], s["bookings"])
        self.space_id = venue.spaces[0]
        self.take["bookings"] = bookings_bench.Slots(venue).take


@dataclass
class Load:
    seconds: float
    calls: dict[str, int]
    errors: dict[str, int]
    latencies: dict[str, list[float]]
    cores: dict[str, float]

    def service_cpu_ms(self, groups: tuple[str, ...]) -> float:
        calls = sum(self.calls.values()) if len(groups) > 1 else self.calls[groups[0]]
        return sum(self.cores.get(g, 0.0) for g in groups) * self.seconds / max(1, calls) * 1000


async def mixed_load(system: System, mixed: Mixed) -> Load:
    chans = {name: grpc.aio.insecure_channel(system.endpoints[name], options=[("grpc.use_local_subchannel_pool", 1)])
             for name in SERVICES}
    calls = {name: chans[name].unary_unary(METHODS[name], request_serializer=None, response_deserializer=None)
             for name in SERVICES}
    counts = {n: 0 for n in SERVICES}
    errors = {n: 0 for n in SERVICES}
    latencies: dict[str, list[float]] = {n: [] for n in SERVICES}
    measuring = stopping = False

    async def caller(name: str) -> None:
        take = mixed.take[name]
        while not stopping:
            body = take()
            t0 = time.perf_counter()
            try:
                await calls[name](body, timeout=10)
            except grpc.aio.AioRpcError:
                if measuring:
                    errors[name] += 1
                continue
            if measuring:
                counts[name] += 1
                latencies[name].append(time.perf_counter() - t0)

    tasks = [asyncio.create_task(caller(name)) for name in SERVICES for _ in range(PER_SERVICE)]
    await asyncio.sleep(WARMUP)
    measuring = True
    start = grouped(cpu_mark(system.roots, time.perf_counter), system)
    await asyncio.sleep(SECONDS)
    measuring = False
    end = grouped(cpu_mark(system.roots, time.perf_counter), system)
    stopping = True
    await asyncio.gather(*tasks)
    for channel in chans.values():
        await channel.close()
    wall, cores = cpu_window(start, end)
    return Load(wall, counts, errors, latencies, cores)


# --- 4. reaction lag ----------------------------------------------------------------------------


async def departures(system: System, samples: int, space: str) -> dict[str, list[float]]:
    stubs = Stubs.connect(system.endpoints)
    lags: dict[str, list[float]] = {"cohort on hold": [], "allocation frozen": [], "bookings cancelled": [],
                                    "baseline: membership's GetMember with the token": []}
    try:
        grant = await funding_bench.award(stubs.funding, f"Fondation départs {uuid.uuid4().hex[:6]}", 1000)
        for i in range(samples + 2):  # the first two warm up
            record = i >= 2
            host, token = await cohorts_bench.new_host(stubs.membership, "Ville Qui Part")
            cohort_id = await cohorts_bench.running_cohort(stubs.cohorts, host, token, capacity=20)
            await stubs.funding.AllocateShare(fpb.AllocateShareRequest.FromString(
                funding_bench.allocation(grant, host, token)), timeout=10)
            await asyncio.sleep(0.2)  # at rest: the set-up is applied everywhere before the departure
            left, t0 = await leave(stubs, host)

            async def on_hold() -> float:
                got = await stubs.cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id, consistency_token=left),
                                                    timeout=10)
                assert got.cohort.status == cpb.COHORT_STATUS_ON_HOLD, got
                return time.perf_counter() - t0

            async def frozen() -> float:
                got = await stubs.funding.GetAdministrationFunding(fpb.GetAdministrationFundingRequest(
                    member_id=host, consistency_token=left), timeout=10)
                assert got.allocations[0].frozen, got
                return time.perf_counter() - t0

            hold, freeze = await asyncio.gather(on_hold(), frozen())
            t1 = time.perf_counter()
            await stubs.membership.GetMember(mpb.GetMemberRequest(member_id=host, consistency_token=left), timeout=10)
            own = time.perf_counter() - t1
            cancelled = await collective_departure(stubs, space, i)
            if record:
                lags["cohort on hold"].append(hold)
                lags["allocation frozen"].append(freeze)
                lags["bookings cancelled"].append(cancelled)
                lags["baseline: membership's GetMember with the token"].append(own)
    finally:
        await stubs.close()
    return lags


async def leave(stubs: Stubs, member_id: str) -> tuple[str, float]:
    request = mpb.LeaveMemberRequest(request_id=uuid.uuid4().hex, member_id=member_id, reason="bench",
                                     effective_date=date_proto(LEFT_ON))
    reply = await cohorts_bench.patiently(lambda: stubs.membership.LeaveMember(request, timeout=10))
    return reply.result.consistency_token, time.perf_counter()


async def collective_departure(stubs: Stubs, space: str, i: int) -> float:
    admitted = await stubs.membership.AdmitMember(mpb.AdmitMemberRequest(
        request_id=uuid.uuid4().hex, scheme=mpb.SCHEME_HALLES_CIVIQUES, kind=mpb.KIND_ASSOCIATION,
        name=f"Collectif qui part {uuid.uuid4().hex[:8]}", territory="Paris",
        effective_date=common_pb2.Date(year=2025, month=3, day=1)), timeout=10)
    for k in range(2):  # in 2040 and later: after the departure, so cancelled (and apart from Slots')
        day = date(2040, 1, 2) + timedelta(days=2 * i + k)
        await stubs.bookings.BookSpace(bpb.BookSpaceRequest(
            request_id=uuid.uuid4().hex, space_id=space, organisation_id=admitted.member_id, day=date_proto(day),
            start=bpb.LocalTime(hours=9), length_minutes=60, title="Atelier", attendance=10,
            consistency_token=admitted.result.consistency_token), timeout=10)
    await asyncio.sleep(0.2)
    left, t0 = await leave(stubs, admitted.member_id)
    got = await stubs.bookings.ListOrganisationBookings(bpb.ListOrganisationBookingsRequest(
        organisation_id=admitted.member_id, consistency_token=left), timeout=10)
    assert [b.status for b in got.bookings] == [bpb.BOOKING_STATUS_CANCELLED] * 2, got
    return time.perf_counter() - t0


# --- the report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


async def on(broker: str, noop_cpu_ms: float) -> None:
    data = ROOT / ".lab27" / f"bench-system-{os.getpid()}-{broker}"
    shutil.rmtree(data, ignore_errors=True)
    try:
        first = await launch(data, broker)
        loaded = next((line for line in first.lines if line.startswith("scenario")), "")
        print(f"\n### {broker}\n\n| start | to SERVING s | to history loaded and summary printed s |\n|---|---|---|")
        print(f"| first (fresh folder: initdb, {loaded.split('loaded: ')[-1]}) | {first.serving_s:.1f} "
              f"| {first.running_s:.1f} |")
        await stop(first)
        system = await launch(data, broker)
        print(f"| second (data kept, nothing loaded) | {system.serving_s:.1f} | {system.running_s:.1f} |")
        print(f"goal (<= {GOALS['start']:g} s to SERVING and to loaded, first start): "
              f"{verdict(max(first.serving_s, first.running_s) <= GOALS['start'])}")
        try:
            cores, rss = await idle(system)
            ours = sum(v for k, v in cores.items() if k not in ("not ours", "client"))
            print(f"\nidle over {IDLE_SECONDS:g} s after {SETTLE:g} s: {ours:.3f} cores in all "
                  f"(goal <= {GOALS['idle cores']:g}: {verdict(ours <= GOALS['idle cores'])}); baseline, the rest of "
                  f"the machine: {cores.get('not ours', 0.0):.2f} cores")
            print("| group | idle cores | RSS MiB |\n|---|---|---|")
            for group in sorted(set(cores) | set(rss), key=lambda g: -rss.get(g, 0.0)):
                if group not in ("client", "not ours"):
                    print(f"| {group} | {cores.get(group, 0.0):.3f} | {rss.get(group, 0.0):.0f} |")
            print(f"| all | {ours:.3f} | {sum(rss.values()):.0f} |")

            mixed = Mixed(system)
            await mixed.prepare()
            load = await mixed_load(system, mixed)
            side = (*SERVICES, "postgres", "broker")
            total = load.service_cpu_ms(side)
            print(f"\nmixed load, {PER_SERVICE} in flight per service (32 in all), {load.seconds:.1f} s:")
            print("| service | command | calls/s | p50 ms | p99 ms | errors | its own processes' CPU ms/command |")
            print("|---|---|---|---|---|---|---|")
            for name in SERVICES:
                xs = load.latencies[name]
                print(f"| {name} | {METHODS[name].rsplit('/', 1)[1]} | {load.calls[name] / load.seconds:,.0f} "
                      f"| {pct(xs, .5) * 1000:.1f} | {pct(xs, .99) * 1000:.1f} | {load.errors[name]} "
                      f"| {load.service_cpu_ms((name,)):.2f} |")
            print(f"| all | | {sum(load.calls.values()) / load.seconds:,.0f} | | | {sum(load.errors.values())} | |")
            print("CPU cores: " + ", ".join(f"{k} {v:.2f}" for k, v in load.cores.items()))
            ratio = total / noop_cpu_ms
            print(f"service side (services, Postgres, broker) CPU per command: {total:.2f} ms; the no-op server's per "
                  f"call {noop_cpu_ms:.3f} ms: {ratio:.1f}x (goal <= {GOALS['cpu ratio']:g}x: "
                  f"{verdict(ratio <= GOALS['cpu ratio'])})")

            lags = await departures(system, REACTION_SAMPLES, mixed.space_id)
            print("\n| from a LeaveMember reply until ... (at rest, one at a time) | samples | p50 ms | p99 ms |")
            print("|---|---|---|---|")
            for what, xs in lags.items():
                print(f"| {what} | {len(xs)} | {pct(xs, .5) * 1000:.1f} | {pct(xs, .99) * 1000:.1f} |")
            worst = max(pct(xs, .99) * 1000 for what, xs in lags.items() if not what.startswith("baseline"))
            print(f"goal (p99 <= {GOALS['reaction p99 ms']:g} ms): {verdict(worst <= GOALS['reaction p99 ms'])} "
                  f"(worst p99 {worst:.1f} ms)")
        finally:
            await stop(system)
    finally:
        shutil.rmtree(data, ignore_errors=True)


async def main() -> None:
    async with noop_server() as noop:
        baseline = await drive(noop, "no-op AdmitMember (baseline)", 32)
    print(f"baseline, same run: the no-op server at 32 in flight, {baseline.rate:,.0f} calls/s, "
          f"{baseline.service_cpu_ms:.3f} ms server CPU per call")
    for broker in bench_brokers():
        await on(broker, baseline.service_cpu_ms)
