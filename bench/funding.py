"""Funding through gRPC: allocations/s at 32 in flight and their CPU per command beside the
no-op server's (same run), and the reaction lag from a lab's start in cohorts to its tranche
due in funding.

The services run as subprocesses (bench._service.services: membership, cohorts, funding,
each its own database, one broker); this process is the client. Figures:

- **allocations at 32 in flight**, two ways: every allocation on one grant (one stream:
  the handler decides them one at a time, each on the whole grant loaded; a grant funds at
  most 1000 administrations, so this row is a fixed run of ``ONE_GRANT`` allocations, the
  stream growing from 1 to that many events), and spread over ``GRANTS`` grants (a window of
  BENCH_SECONDS after 1 s of warm-up). Each request carries the last admission's token (its
  wait finds the view there already: the allocation's two looks at the local views remain);
- **CPU per command**: the funding processes (API + worker), Postgres and the broker, per
  allocation, divided by the same-run no-op server's CPU per call (bench.grpc_admissions);
  membership and cohorts idle meanwhile, shown apart;
- **reaction lag**: from StartCohort's reply (cohorts committed the start) until a funding
  query carrying StartCohort's token answers with the first tranche due (funding's reaction
  consumed the start, issued MarkTrancheDue, the ledger applied it), p50/p99, at rest (one
  start every 200 ms) and at 10 starts/s (open loop). Skipped if cohorts has no service here.

Quick by default (the machine is shared); the lead runs the final figures on a quiet one.
BENCH_SECONDS (default 5), BENCH_LAG_SAMPLES (default 30 at rest, 50 at 10/s).
"""
from __future__ import annotations

import asyncio
import importlib.util
import os
import time
import uuid
from dataclasses import dataclass

import grpc

from bench._service import Running, cpu_mark, cpu_window, noop_server, process_tree, services
from bench._stats import pct
from bench.grpc_admissions import channels, drive
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as pb
from lab27.funding.v1 import funding_pb2_grpc
from lab27.membership.v1 import membership_pb2 as mpb
from lab27.membership.v1 import membership_pb2_grpc

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
LAG_SAMPLES = int(os.environ.get("BENCH_LAG_SAMPLES", "30"))
WARMUP = 1.0
IN_FLIGHT = 32
ONE_GRANT = 1000  # a grant's most administrations (services/funding/domain/fields.py)
GRANTS = 8
MEMBERS = 1000
ALLOCATE = "/lab27.funding.v1.FundingService/AllocateShare"
SERVICE_SIDE = ("funding", "postgres", "broker")
JULY_2017 = common_pb2.Date(year=2017, month=7, day=1)


def eur(cents: int) -> common_pb2.Money:
    return common_pb2.Money(amount_cents=cents, currency="EUR")


@dataclass
class Row:
    name: str
    calls: int
    errors: int
    seconds: float
    latencies: list[float]
    cores: dict[str, float]
    side: tuple[str, ...] = SERVICE_SIDE  # the processes whose CPU is the service's

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    @property
    def service_cpu_ms(self) -> float:
        return sum(self.cores.get(k, 0.0) for k in self.side) * self.seconds / max(self.calls, 1) * 1000


def _by_service(start, end, running: dict[str, Running]) -> tuple[float, dict[str, float]]:
    """cpu_window, with the "service" group split into each service's processes."""
    wall, cores = cpu_window(start, end)
    cores.pop("service", None)
    for name, proc in running.items():
        pids = process_tree(proc.pid)
        cores[name] = sum(cpu - start.processes.get(pid, (label, 0.0))[1]
                          for pid, (label, cpu) in end.processes.items() if pid in pids) / wall
    return wall, cores


async def admit_members(running: dict[str, Running], n: int, tag: str) -> tuple[list[str], str, Row]:
    """n association members, IN_FLIGHT at a time: their ids, the token of the furthest
    admission, and the admissions' figures (a same-run reference: one stream per command)."""
    async with grpc.aio.insecure_channel(running["membership"].target) as channel:
        stub = membership_pb2_grpc.MembershipServiceStub(channel)
        queue = list(range(n))
        ids: list[str] = [""] * n
        positions: list[int] = []
        latencies: list[float] = []
        refused = 0

        async def worker() -> None:
            nonlocal refused
            while queue:
                i = queue.pop()
                request = mpb.AdmitMemberRequest(
                    request_id=f"{tag}-{i}", scheme=mpb.SCHEME_ASSOCIATION, kind=mpb.KIND_COMMUNE,
                    name=f"Commune {tag} {i}", territory="Bretagne",
                    effective_date=common_pb2.Date(year=2015, month=1, day=5))
                while True:  # overloaded (admission control): retry after its delay
                    t0 = time.perf_counter()
                    try:
                        reply = await stub.AdmitMember(request, timeout=30)
                        break
                    except grpc.aio.AioRpcError as error:
                        if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                            raise
                        refused += 1
                        await asyncio.sleep(0.05)
                latencies.append(time.perf_counter() - t0)
                ids[i] = reply.member_id
                positions.append(int(reply.result.consistency_token.rsplit(":", 1)[1]))

        start = cpu_mark(running["membership"].roots, time.perf_counter)
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        end = cpu_mark(running["membership"].roots, time.perf_counter)
    wall, cores = _by_service(start, end, running)
    row = Row(f"reference: AdmitMember in membership ({n}, a stream each)", n, refused, wall, latencies, cores,
              side=("membership", "postgres", "broker"))
    return ids, f"lab27.membership.events:{max(positions)}", row


async def award(stub, funder: str, administrations: int) -> str:
    return (await stub.AwardGrant(pb.AwardGrantRequest(
        request_id=uuid.uuid4().hex, funder=funder, amount=eur(100 * administrations),
        administrations=administrations, funder_share_bp=4500, effective_date=JULY_2017), timeout=30)).grant_id


def allocation(grant_id: str, member_id: str, token: str) -> bytes:
    return pb.AllocateShareRequest(
        request_id=uuid.uuid4().hex, grant_id=grant_id, member_id=member_id, amount=eur(100),
        effective_date=common_pb2.Date(year=2017, month=9, day=1), consistency_token=token).SerializeToString()


async def allocate(running: dict[str, Running], name: str, requests: list[bytes], seconds: float | None) -> Row:
    """``requests`` sent IN_FLIGHT at a time: all of them (``seconds`` None), or during a
    window of ``seconds`` after WARMUP."""
    chans = channels(running["funding"].target)
    calls = [c.unary_unary(ALLOCATE, request_serializer=None, response_deserializer=None) for c in chans]
    for c in chans:
        await c.channel_ready()
    todo = list(reversed(requests))
    latencies: list[float] = []
    errors = 0
    measuring = seconds is None
    stop = False

    async def worker(k: int) -> None:
        nonlocal errors
        while todo and not stop:
            body = todo.pop()
            t0 = time.perf_counter()
            try:
                await calls[k % len(calls)](body, timeout=30)
            except grpc.aio.AioRpcError as error:
                if measuring:
                    errors += 1
                    if errors == 1:
                        print(f"  first error: {error.code().name}: {error.details()}")
                continue
            if measuring:
                latencies.append(time.perf_counter() - t0)

    roots = next(iter(running.values())).roots
    workers = [asyncio.create_task(worker(k)) for k in range(IN_FLIGHT)]
    if seconds is not None:
        await asyncio.sleep(WARMUP)
        measuring = True
    start = cpu_mark(roots, time.perf_counter)
    if seconds is None:
        await asyncio.gather(*workers)
    else:
        await asyncio.sleep(seconds)
    end = cpu_mark(roots, time.perf_counter)
    measuring, stop = False, True
    await asyncio.gather(*workers)
    if todo == [] and seconds is not None:
        print(f"  {name}: ran out of requests before the window closed; raise GRANTS")
    for c in chans:
        await c.close()
    wall, cores = _by_service(start, end, running)
    return Row(name, len(latencies), errors, wall, latencies, cores)


async def reaction_lag(running: dict[str, Running], funding, grant_id: str, hosts: list[str], token: str,
                       rate: float | None, samples: int) -> list[float]:
    """Per host: open a lab, allocate; then start the labs (every 200 ms, or at ``rate``/s) and
    time StartCohort's reply -> a funding query with its token showing the first tranche due."""
    from lab27.cohorts.v1 import cohorts_pb2 as cpb
    from lab27.cohorts.v1 import cohorts_pb2_grpc

    async with grpc.aio.insecure_channel(running["cohorts"].target) as channel:
        cohorts = cohorts_pb2_grpc.CohortsServiceStub(channel)
        labs = []
        for host in hosts[:samples]:
            await funding.AllocateShare(pb.AllocateShareRequest.FromString(allocation(grant_id, host, token)),
                                        timeout=30)
            opened = await cohorts.OpenCohort(cpb.OpenCohortRequest(
                request_id=uuid.uuid4().hex, kind=cpb.COHORT_KIND_LAB, host_member_id=host, theme="Accueil",
                project_statement="Repenser l'accueil", planned_start=common_pb2.Date(year=2017, month=10, day=2),
                duration_months=16, effective_date=common_pb2.Date(year=2017, month=9, day=4),
                consistency_token=token), timeout=30)
            labs.append((host, opened.cohort_id))

        async def one(host: str, cohort_id: str) -> float:
            started = await cohorts.StartCohort(cpb.StartCohortRequest(
                request_id=uuid.uuid4().hex, cohort_id=cohort_id,
                effective_date=common_pb2.Date(year=2017, month=10, day=2)), timeout=30)
            t0 = time.perf_counter()
            funded = await funding.GetAdministrationFunding(pb.GetAdministrationFundingRequest(
                member_id=host, consistency_token=started.result.consistency_token), timeout=30)
            lag = time.perf_counter() - t0
            assert funded.allocations[0].tranches[0].status == pb.TRANCHE_STATUS_DUE, funded
            return lag

        if rate is None:
            lags = []
            for host, cohort_id in labs:
                lags.append(await one(host, cohort_id))
                await asyncio.sleep(0.2)
            return lags
        tasks, began = [], time.perf_counter()
        for i, (host, cohort_id) in enumerate(labs):
            await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(host, cohort_id)))
        return list(await asyncio.gather(*tasks))


def table(rows: list[Row], baseline) -> str:
    groups = ("client", "funding", "postgres", "broker", "membership", "cohorts", "not ours")
    out = ["| scenario | calls | calls/s | p50 ms | p99 ms | service CPU ms/call | x no-op CPU | errors "
           f"| CPU cores: {' / '.join(groups)} |", "|---|---|---|---|---|---|---|---|---|"]
    base_ms = baseline.service_cpu_ms
    out.append(f"| {baseline.name} | {baseline.calls} | {baseline.rate:,.0f} | {baseline.pct(.5):.2f} "
               f"| {baseline.pct(.99):.2f} | {base_ms:.3f} | 1 | {baseline.errors} "
               f"| {' / '.join(f'{baseline.cores.get(k, 0.0):.2f}' for k in ('client', 'server'))} (client / server) |")
    for r in rows:
        out.append(f"| {r.name} | {r.calls} | {r.rate:,.0f} | {pct(r.latencies, .5) * 1000:.2f} "
                   f"| {pct(r.latencies, .99) * 1000:.2f} | {r.service_cpu_ms:.3f} "
                   f"| {r.service_cpu_ms / base_ms:.2f}x | {r.errors} "
                   f"| {' / '.join(f'{r.cores.get(k, 0.0):.2f}' for k in groups)} |")
    return "\n".join(out)


async def main() -> None:
    async with noop_server() as noop:
        baseline = await drive(noop, "no-op AdmitMember, create_server (baseline)", IN_FLIGHT)
    with_cohorts = importlib.util.find_spec("services.cohorts.__main__") is not None
    names = ("membership", "cohorts", "funding") if with_cohorts else ("membership", "funding")
    lag_rows: list[tuple[str, list[float]]] = []
    async with services(names) as running:
        tag = uuid.uuid4().hex[:6]
        lag_hosts = 2 * LAG_SAMPLES + 20 if with_cohorts else 0
        members, token, admissions = await admit_members(running, MEMBERS + lag_hosts, tag)
        async with grpc.aio.insecure_channel(running["funding"].target) as channel:
            funding = funding_pb2_grpc.FundingServiceStub(channel)
            one = await award(funding, f"Fondation une {tag}", ONE_GRANT)
            spread = [await award(funding, f"Fondation {i} {tag}", MEMBERS) for i in range(GRANTS)]
            name = f"AllocateShare, one grant ({ONE_GRANT} allocations, stream 1 -> {ONE_GRANT + 1} events)"
            rows = [admissions, await allocate(running, name, [allocation(one, m, token) for m in members[:ONE_GRANT]],
                                               None)]
            requests = [allocation(spread[k % GRANTS], members[k // GRANTS], token) for k in range(GRANTS * MEMBERS)]
            rows.append(await allocate(running, f"AllocateShare, spread over {GRANTS} grants", requests, SECONDS))
            if with_cohorts:
                lag_grant = await award(funding, f"Fondation des labs {tag}", ONE_GRANT)
                hosts = members[MEMBERS:]
                lag_rows.append(("at rest (a start every 200 ms)", await reaction_lag(
                    running, funding, lag_grant, hosts[:LAG_SAMPLES], token, None, LAG_SAMPLES)))
                lag_rows.append(("at 10 starts/s", await reaction_lag(
                    running, funding, lag_grant, hosts[LAG_SAMPLES:], token, 10.0, LAG_SAMPLES + 20)))
    print(table(rows, baseline))
    if not lag_rows:
        print("reaction lag: skipped (no cohorts service on this branch)")
        return
    print("\n| cohort started -> tranche due visible in funding (StartCohort's reply -> funding query with its "
          "token answers) | samples | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for label, lags in lag_rows:
        print(f"| {label} | {len(lags)} | {pct(lags, .5) * 1000:.1f} | {pct(lags, .99) * 1000:.1f} |")
