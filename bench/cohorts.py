"""Cohorts figures, beside membership (each its own process and database, one broker):

1. **Enrolments/s at 32 in flight** (EnrolAgent, a new agent each call, spread over many
   cohorts of 200 places), p50/p99, and the figure that counts (PERFORMANCE.md): service-side
   CPU per enrolment (the cohorts API + worker processes, Postgres and the broker, over the
   measured window) / the same-run no-op server's CPU per call. Membership runs idle beside
   it: its own processes are shown apart and not counted (its idle consumers' load on the
   broker and Postgres is, a little).
2. **Read-your-writes lag at 250/s** (then 100/s): enrolments sent open loop; for each reply,
   the time until a GetCohort carrying its token answers, showing the enrolment's version
   (the directory has applied it). Baseline, same run: the same query without a token, right
   after (on one reply in four, so that the baseline adds little load of its own). Past the
   service's saturation the lag is mostly the API's queue, as the baseline shows.
3. **Cross-service reaction lag**, p50/p99: from the reply to a LeaveMember in membership
   until a GetCohort carrying that reply's token answers, showing the host's running cohort
   on hold (membership relays the departure, cohorts' view and reaction handle it, the hold is
   stored, relayed back and applied). One departure at a time, each host with one running
   cohort. Baselines, same run: membership's own GetMember with the same token (its
   read-your-writes), and the cohorts query without a token.

The client is this process; the services are subprocesses (bench._service.services).
BENCH_SECONDS (default 5) per measured phase after 1 s of warm-up; BENCH_COHORTS (default 48)
cohorts for the throughput phase; BENCH_LAG_RATES (default 250,100); BENCH_REACTION_SAMPLES
(default 40); BENCH_BROKER=tansu,kafka runs the service phases on each.
"""
from __future__ import annotations

import asyncio
import itertools
import math
import os
import time
import uuid
from dataclasses import replace

import grpc

from bench._postgres import bench_brokers
from bench._service import CpuMark, Running, cpu_mark, cpu_window, noop_server, process_tree, services
from bench._stats import pct
from bench.grpc_admissions import Figures, channels, drive, table
from lab27.cohorts.v1 import cohorts_pb2 as cpb
from lab27.cohorts.v1 import cohorts_pb2_grpc
from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as mpb
from lab27.membership.v1 import membership_pb2_grpc
from shared.grpc.client import retry_delay

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = 1.0
IN_FLIGHT = 32
COHORTS = int(os.environ.get("BENCH_COHORTS", "48"))
PLACES = 200  # the most a cohort has
LAG_RATES = [float(r) for r in os.environ.get("BENCH_LAG_RATES", "250,100").split(",")]
REACTION_SAMPLES = int(os.environ.get("BENCH_REACTION_SAMPLES", "40"))
GOAL_CPU_RATIO = 2.5
ENROL = "/lab27.cohorts.v1.CohortsService/EnrolAgent"
STARTED = common_pb2.Date(year=2025, month=9, day=1)


def rid() -> str:
    return uuid.uuid4().hex


# --- setting up: hosts and cohorts ---------------------------------------------------------------


async def patiently(call, attempts: int = 100):
    """A setup call retried while admission control refuses it (a busy machine's late loop)."""
    for _ in range(attempts - 1):
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            await asyncio.sleep(retry_delay(error) or 0.05)
    return await call()


async def new_host(membership, name: str) -> tuple[str, str]:
    request = mpb.AdmitMemberRequest(
        request_id=rid(), scheme=mpb.SCHEME_ASSOCIATION, kind=mpb.KIND_COMMUNE, name=f"{name} {uuid.uuid4().hex[:8]}",
        territory="Bretagne", effective_date=common_pb2.Date(year=2025, month=3, day=1))
    reply = await patiently(lambda: membership.AdmitMember(request, timeout=10))
    return reply.member_id, reply.result.consistency_token


async def running_cohort(cohorts, host: str, token: str, capacity: int = PLACES) -> str:
    opening = cpb.OpenCohortRequest(
        request_id=rid(), kind=cpb.COHORT_KIND_LAB, host_member_id=host, theme="Bench", project_statement="Bench",
        planned_start=STARTED, duration_months=16, capacity=capacity, effective_date=STARTED,
        consistency_token=token)
    opened = await patiently(lambda: cohorts.OpenCohort(opening, timeout=10))
    start = cpb.StartCohortRequest(request_id=rid(), cohort_id=opened.cohort_id, effective_date=STARTED)
    await patiently(lambda: cohorts.StartCohort(start, timeout=10))
    return opened.cohort_id


async def cohorts_for(running: dict[str, Running], n: int) -> list[str]:
    async with grpc.aio.insecure_channel(running["membership"].target) as m, \
            grpc.aio.insecure_channel(running["cohorts"].target) as c:
        membership, cohorts = membership_pb2_grpc.MembershipServiceStub(m), cohorts_pb2_grpc.CohortsServiceStub(c)
        host, token = await new_host(membership, "Ville Bench")
        gate = asyncio.Semaphore(8)

        async def one() -> str:
            async with gate:
                return await running_cohort(cohorts, host, token)

        return list(await asyncio.gather(*(one() for _ in range(n))))


class Enrolments:
    """Enrolments, round-robin over the cohorts, each a new agent with its own request id;
    ``take()`` gives the cohort and the serialised request."""

    def __init__(self, cohort_ids: list[str], tag: str) -> None:
        self.cohorts = itertools.cycle(cohort_ids)
        self.tag = tag
        self.made = 0

    def take(self) -> tuple[str, bytes]:
        self.made += 1
        cohort_id = next(self.cohorts)
        return cohort_id, cpb.EnrolAgentRequest(
            request_id=f"{self.tag}-{self.made}", cohort_id=cohort_id, category=cpb.AGENT_CATEGORY_B,
            home_department="Culture", name=f"Agent Bench {self.tag} {self.made}",
            email=f"a{self.made}.{self.tag}@example.org", effective_date=STARTED).SerializeToString()


# --- 1. enrolments/s and CPU per enrolment ----------------------------------------------------------


def regrouped(mark: CpuMark, groups: dict[str, set[int]]) -> CpuMark:
    """The mark with each process of ``groups`` under that group's name."""
    label = {pid: name for name, pids in groups.items() for pid in pids}
    return replace(mark, processes={pid: (label.get(pid, group), cpu)
                                    for pid, (group, cpu) in mark.processes.items()})


async def enrolments_at_32(running: dict[str, Running], name: str) -> Figures:
    cohort_ids = await cohorts_for(running, COHORTS)
    target = running["cohorts"]
    chans = channels(target.target, 2)
    calls = [c.unary_unary(ENROL, request_serializer=None, response_deserializer=None) for c in chans]
    requests = Enrolments(cohort_ids, uuid.uuid4().hex[:6])
    worker_pids = process_tree(target.pid) - {target.pid}
    groups = {"cohorts api": {target.pid}, "cohorts worker": worker_pids,
              "membership (idle, not counted)": process_tree(running["membership"].pid)}
    latencies: list[float] = []
    errors: dict[str, int] = {}
    measuring = stop = False

    async def sender(k: int) -> None:
        call = calls[k % len(calls)]
        while not stop:
            _cohort, body = requests.take()
            t0 = time.perf_counter()
            try:
                await call(body, timeout=10)
            except grpc.aio.AioRpcError as error:
                if measuring:
                    errors[error.code().name] = errors.get(error.code().name, 0) + 1
                continue
            if measuring:
                latencies.append(time.perf_counter() - t0)

    senders = [asyncio.create_task(sender(k)) for k in range(IN_FLIGHT)]
    await asyncio.sleep(WARMUP)
    measuring = True
    start = regrouped(cpu_mark(target.roots, time.perf_counter), groups)
    await asyncio.sleep(SECONDS)
    measuring = False
    end = regrouped(cpu_mark(target.roots, time.perf_counter), groups)
    stop = True
    await asyncio.gather(*senders)
    for c in chans:
        await c.close()
    wall, cores = cpu_window(start, end)
    cores.pop("service", None)
    cores["server"] = cores.get("cohorts api", 0.0) + cores.get("cohorts worker", 0.0)  # what counts
    if errors:
        print(f"{name}: errors during the window: {errors}")
    if requests.made > COHORTS * PLACES:
        print(f"{name}: more enrolments than places ({requests.made} > {COHORTS * PLACES}): raise BENCH_COHORTS")
    return Figures(name, IN_FLIGHT, len(latencies), sum(errors.values()), wall, latencies, cores)


# --- 2. read-your-writes lag at 250/s ----------------------------------------------------------------


async def lag_at(running: dict[str, Running], rate: float) -> None:
    # As many cohorts as the throughput phase: enrolments into one cohort are decided one at a
    # time, and few cohorts would measure that queue instead of the lag.
    places = int(rate * (SECONDS + WARMUP)) + 50
    cohort_ids = await cohorts_for(running, max(COHORTS, math.ceil(places / PLACES) + 1))
    requests = Enrolments(cohort_ids, uuid.uuid4().hex[:6])
    async with grpc.aio.insecure_channel(running["cohorts"].target) as channel:
        stub = cohorts_pb2_grpc.CohortsServiceStub(channel)
        enrol = channel.unary_unary(ENROL, request_serializer=None, response_deserializer=None)
        replies: list[float] = []
        lags: list[float] = []
        baseline: list[float] = []
        errors: dict[str, int] = {}

        async def one(record: bool) -> None:
            cohort_id, body = requests.take()
            sampled = requests.made % 4 == 0  # the baseline on one reply in four: less load of its own
            t0 = time.perf_counter()
            try:
                result = cpb.EnrolAgentResponse.FromString(await enrol(body, timeout=10)).result
                replied = time.perf_counter()
                got = await stub.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id,
                                                                consistency_token=result.consistency_token), timeout=10)
                answered = time.perf_counter()
                assert got.cohort.version >= result.version, (got.cohort.version, result.version)
                if record and sampled:
                    await stub.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id), timeout=10)
                    baseline.append(time.perf_counter() - answered)
            except grpc.aio.AioRpcError as error:
                if record:
                    errors[error.code().name] = errors.get(error.code().name, 0) + 1
                return
            if record:
                replies.append(replied - t0)
                lags.append(answered - replied)

        async def paced(seconds: float, record: bool) -> None:
            tasks, started = [], time.perf_counter()
            for i in range(int(rate * seconds)):
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(one(record)))
            await asyncio.gather(*tasks)

        await paced(WARMUP, False)
        await paced(SECONDS, True)
    print(f"\nopen loop at {rate:g} enrolments/s for {SECONDS:g} s: {len(replies)} replied, errors {errors or 0}; "
          f"reply p50 {pct(replies, .5) * 1000:.2f} ms, p99 {pct(replies, .99) * 1000:.2f} ms")
    print("| from the enrolment's reply until ... | samples | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(f"| GetCohort with its token answers, showing the enrolment (read-your-writes lag) | {len(lags)} "
          f"| {pct(lags, .5) * 1000:.2f} | {pct(lags, .99) * 1000:.2f} |")
    print(f"| baseline: the same GetCohort without a token, right after (one in four) | {len(baseline)} "
          f"| {pct(baseline, .5) * 1000:.2f} | {pct(baseline, .99) * 1000:.2f} |")


# --- 3. cross-service reaction lag ---------------------------------------------------------------


async def reaction_lag(running: dict[str, Running], samples: int) -> None:
    async with grpc.aio.insecure_channel(running["membership"].target) as m, \
            grpc.aio.insecure_channel(running["cohorts"].target) as c:
        membership, cohorts = membership_pb2_grpc.MembershipServiceStub(m), cohorts_pb2_grpc.CohortsServiceStub(c)
        lags, own, alone = [], [], []
        for i in range(samples + 3):  # the first three warm up
            host, token = await new_host(membership, "Ville Qui Part")
            cohort_id = await running_cohort(cohorts, host, token, capacity=20)
            await asyncio.sleep(0.1)  # at rest: the setup's writes are applied before the departure
            leaving = mpb.LeaveMemberRequest(request_id=rid(), member_id=host, reason="bench", effective_date=STARTED)
            left = await patiently(lambda: membership.LeaveMember(leaving, timeout=10))
            replied = time.perf_counter()
            token = left.result.consistency_token
            got = await cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id, consistency_token=token),
                                          timeout=10)
            answered = time.perf_counter()
            assert got.cohort.status == cpb.COHORT_STATUS_ON_HOLD, got
            await membership.GetMember(mpb.GetMemberRequest(member_id=host, consistency_token=token), timeout=10)
            member_seen = time.perf_counter()
            await cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id), timeout=10)
            if i >= 3:
                lags.append(answered - replied)
                own.append(member_seen - answered)
                alone.append(time.perf_counter() - member_seen)
    print("\n| from a LeaveMember reply until ... (one departure at a time) | samples | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(f"| a cohorts GetCohort with its token shows the cohort on hold | {len(lags)} | {pct(lags, .5) * 1000:.2f} "
          f"| {pct(lags, .99) * 1000:.2f} |")
    print(f"| baseline: membership's GetMember with the same token (after) | {len(own)} | {pct(own, .5) * 1000:.2f} "
          f"| {pct(own, .99) * 1000:.2f} |")
    print(f"| baseline: the cohorts GetCohort without a token | {len(alone)} | {pct(alone, .5) * 1000:.2f} "
          f"| {pct(alone, .99) * 1000:.2f} |")


async def main() -> None:
    async with noop_server() as noop:
        baseline = {IN_FLIGHT: await drive(noop, "no-op AdmitMember (baseline)", IN_FLIGHT)}
    rows = [baseline[IN_FLIGHT]]
    brokers = bench_brokers()
    for broker in brokers:
        suffix = f" on {broker}" if len(brokers) > 1 else ""
        async with services(("membership", "cohorts"), broker=broker) as running:
            rows.append(await enrolments_at_32(running, f"EnrolAgent{suffix}"))
            print(table(rows, baseline))
            last = rows[-1]
            print("CPU cores, every group: " + ", ".join(f"{k} {v:.2f}" for k, v in last.cores.items()
                                                         if k != "server"))
            print("CPU ms per enrolment: " + ", ".join(f"{k} {v * last.seconds / max(1, last.calls) * 1000:.2f}"
                                                       for k, v in last.cores.items() if k != "server"))
            for r in rows[1:]:
                ratio = r.service_cpu_ms / baseline[IN_FLIGHT].service_cpu_ms
                print(f"goal at {IN_FLIGHT} in flight (service CPU per command <= {GOAL_CPU_RATIO}x the no-op "
                      f"server's per call), {r.name}: {'met' if ratio <= GOAL_CPU_RATIO else 'MISSED'} "
                      f"({r.service_cpu_ms:.3f} ms vs {baseline[IN_FLIGHT].service_cpu_ms:.3f} ms: {ratio:.2f}x)")
            rows = rows[:1]
            for rate in LAG_RATES:
                await lag_at(running, rate)
            await reaction_lag(running, REACTION_SAMPLES)
