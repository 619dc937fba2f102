"""Admissions/s through gRPC (AdmitMember, a new organisation each call, its own request id)
at 1 and 32 calls in flight, p50/p99 latency, against a same-run baseline: a no-op
AdmitMember on a server built by the same create_server() (same interceptors, health,
reflection) in its own process. A third row, the no-op on a bare grpc.aio.server without
our interceptors, shows what the interceptors cost.

The figure that counts (PERFORMANCE.md): service-side CPU per command (the API and worker
processes, Postgres and the broker, over the measured window, per call) divided by the
same-run no-op server's CPU per call; goal <= 2.5x.

The client is this process (grpc.aio, requests serialised before the clock starts,
responses left as bytes); the servers are subprocesses. On a 2-core machine the client,
the server, Postgres and the broker share the CPU, so the table shows the CPU each used
(cores = CPU seconds per wall second) and the whole machine's.

BENCH_BROKER=tansu,kafka runs the service's scenarios on tansu and on Apache Kafka, in the
same run (default tansu only).

BENCH_SECONDS (default 5) is the measured time per scenario, after 1 s of warm-up.
BENCH_BATCH_WINDOW: also run the service with APPEND_BATCH_WINDOW set to it (seconds).
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass

import grpc

from bench._postgres import bench_brokers
from bench._service import Running, cpu_mark, cpu_window, membership_service, noop_server
from bench._stats import pct
from lab27.membership.v1 import membership_pb2 as pb

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = 1.0
SERVICE_WARMUP = 4.0  # seconds of load on a fresh service before its rows (a JVM broker compiles for seconds)
IN_FLIGHT = (1, 32)
CHANNELS = 2
ADMIT = "/lab27.membership.v1.MembershipService/AdmitMember"
GOAL_CPU_RATIO = 2.5  # service-side CPU per command / the no-op server's CPU per call (PERFORMANCE.md)
CPU_GROUPS = ("client", "server", "postgres", "broker", "not ours")
SERVICE_SIDE = ("server", "postgres", "broker")  # the API + worker processes, the database and the broker


def admission_request(tag: str, i: int) -> bytes:
    return pb.AdmitMemberRequest(
        request_id=f"{tag}-{i}-{uuid.uuid4().hex}", scheme=pb.SCHEME_ASSOCIATION, kind=pb.KIND_COMMUNE,
        name=f"Commune bench {tag} {i}", territory="Bretagne", dues_paid_until=2025,
        contacts=[pb.Contact(name="Camille Martin", email=f"c{i}@example.org", role="innovation")],
    ).SerializeToString()


class Requests:
    """Serialised admissions, made ahead in chunks so the measured loop only sends bytes."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.made = 0
        self.ready: list[bytes] = []

    def fill(self, n: int) -> None:
        self.ready.extend(admission_request(self.tag, self.made + i) for i in range(n))
        self.made += n

    def take(self) -> bytes:
        if not self.ready:
            self.fill(1000)
        return self.ready.pop()


def channels(target: str, n: int = CHANNELS) -> list[grpc.aio.Channel]:
    # A local subchannel pool: each channel gets its own connection.
    return [grpc.aio.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)]) for _ in range(n)]


@dataclass
class Figures:
    name: str
    in_flight: int
    calls: int
    errors: int
    seconds: float
    latencies: list[float]
    cores: dict[str, float]  # CPU seconds per wall second: client, server, postgres, broker, machine

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def pct(self, p: float) -> float:
        return pct(self.latencies, p) * 1000

    @property
    def service_cpu_ms(self) -> float:
        """Service-side CPU per call: what the server, Postgres and the broker used, per call."""
        return sum(self.cores.get(k, 0.0) for k in SERVICE_SIDE) * self.seconds / max(self.calls, 1) * 1000


async def drive(server: Running, name: str, in_flight: int, seconds: float = SECONDS,
                warmup: float = WARMUP) -> Figures:
    chans = channels(server.target, min(CHANNELS, in_flight))
    calls = [c.unary_unary(ADMIT, request_serializer=None, response_deserializer=None) for c in chans]
    requests = Requests(f"{name}-{in_flight}-{uuid.uuid4().hex[:6]}")
    requests.fill(12000 + 1000 * in_flight)
    for c in chans:
        await c.channel_ready()
    first = pb.AdmitMemberResponse.FromString(await calls[0](requests.take(), timeout=10))
    assert first.result.consistency_token, first
    latencies: list[float] = []
    errors = 0
    measuring = False
    stop = False

    async def worker(k: int) -> None:
        nonlocal errors
        call = calls[k % len(calls)]
        while not stop:
            body = requests.take()
            t0 = time.perf_counter()
            try:
                await call(body, timeout=10)
            except grpc.aio.AioRpcError:
                if measuring:
                    errors += 1
                continue
            if measuring:
                latencies.append(time.perf_counter() - t0)

    workers = [asyncio.create_task(worker(k)) for k in range(in_flight)]
    await asyncio.sleep(warmup)
    measuring = True
    latencies.clear()
    start = cpu_mark(server.roots, time.perf_counter)
    await asyncio.sleep(seconds)
    measuring = False
    end = cpu_mark(server.roots, time.perf_counter)
    stop = True
    await asyncio.gather(*workers)
    for c in chans:
        await c.close()
    wall, cores = cpu_window(start, end)
    cores["server"] = cores.pop("service", 0.0) + cores.pop("no-op server", 0.0)
    return Figures(name, in_flight, len(latencies), errors, wall, latencies, cores)


def table(rows: list[Figures], baseline: dict[int, Figures]) -> str:
    out = ["| scenario | in flight | calls/s | p50 ms | p99 ms | x baseline calls/s | service CPU ms/call "
           "| x no-op CPU | errors | CPU cores: client / server / postgres / broker / not ours |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        base = baseline.get(r.in_flight)
        ratio = f"{r.rate / base.rate:.2f}x" if base else "-"
        cpu_ratio = f"{r.service_cpu_ms / base.service_cpu_ms:.2f}x" if base else "-"
        out.append(f"| {r.name} | {r.in_flight} | {r.rate:,.0f} | {r.pct(0.5):.2f} | {r.pct(0.99):.2f} | {ratio} "
                   f"| {r.service_cpu_ms:.3f} | {cpu_ratio} | {r.errors} "
                   f"| {' / '.join(f'{r.cores.get(k, 0.0):.2f}' for k in CPU_GROUPS)} |")
    return "\n".join(out)


async def main() -> None:
    rows: list[Figures] = []
    baseline: dict[int, Figures] = {}
    async with noop_server() as noop:
        for n in IN_FLIGHT:
            baseline[n] = await drive(noop, "no-op AdmitMember (baseline)", n)
            rows.append(baseline[n])
    async with noop_server(bare=True) as bare:  # what our interceptors cost
        rows.append(await drive(bare, "no-op, bare grpc.aio.server (no interceptors)", 32))
    configs = [("AdmitMember", {})]
    window = os.environ.get("BENCH_BATCH_WINDOW")
    if window:
        configs.append((f"AdmitMember, batch window {float(window) * 1000:g} ms", {"APPEND_BATCH_WINDOW": window}))
    brokers = bench_brokers()
    for broker in brokers:
        for name, env in configs:
            async with membership_service(broker=broker, **env) as svc:
                await drive(svc, "warm-up", 32, seconds=0.5, warmup=SERVICE_WARMUP)  # JIT, caches: discarded
                for n in IN_FLIGHT:
                    rows.append(await drive(svc, f"{name} on {broker}" if len(brokers) > 1 else name, n))
    print(table(rows, baseline))
    at32 = [r for r in rows if r.in_flight == 32 and r.name.startswith("AdmitMember")]
    for r in at32:
        ratio = r.service_cpu_ms / baseline[32].service_cpu_ms
        print(f"goal at 32 in flight (service CPU per command <= {GOAL_CPU_RATIO}x the no-op server's per call), "
              f"{r.name}: {'met' if ratio <= GOAL_CPU_RATIO else 'MISSED'} ({r.service_cpu_ms:.3f} ms vs "
              f"{baseline[32].service_cpu_ms:.3f} ms: {ratio:.2f}x)")
