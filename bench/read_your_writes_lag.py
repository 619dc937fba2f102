"""Read-your-writes lag: from an AdmitMember reply until the member directory has applied it.

The membership service runs in its own process (embedded Postgres + tansu). This process
sends admissions open-loop at each of BENCH_LAG_RATES/s (default 250 then 1000: the goal's
rate, and one this machine keeps up with) for BENCH_SECONDS (default 5) after 1 s of warm-up,
each a new organisation with its own request id, and notes when each reply came and the
position its consistency token names. A third process watches the projection's checkpoint
(member_directory.checkpoint), reading it on each of the projection's commit notifications
(the NOTIFY the service's own waiters wake on), and the relay's (relay_checkpoint), read at
least every 2 ms; a command is visible at the first read that saw a checkpoint at or past
its position, stamped after the read returned. Both processes stamp with CLOCK_MONOTONIC,
so the times compare. (Until 2026-11 the watcher polled both every 1 ms: 0.12-0.14 cores
and 1,000 queries/s of load on the machine it measured.)

Rows: reply -> relay checkpoint (event acknowledged by the broker) and reply -> directory
checkpoint (what a query with the token waits for). Baseline, same run: the mean interval
between the watcher's reads (the relay row's resolution; the directory row's is one read).

Overload, last: twice the saturating rate (measured first in the same run: admissions/s
at 32 in flight, closed loop, 3 s; or BENCH_OVERLOAD_RATE) for BENCH_SECONDS, while a health
check runs every 100 ms, then BENCH_RECOVERY_RATE (250/s) for 3 s. It must show no CANCELLED and no INTERNAL: every call succeeds or is
answered RESOURCE_EXHAUSTED (admission control, MAX_IN_FLIGHT); health stays SERVING; at
the lower rate every call succeeds again with its latency back. Baseline, same run: the
first rate's reply latency.

BENCH_BROKER=tansu,kafka runs everything on tansu, then on Apache Kafka.
"""
from __future__ import annotations

import asyncio
import bisect
import os
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench._postgres import bench_brokers
from bench._service import checkpoint_poller, cpu_mark, cpu_window, membership_service
from bench._stats import pct
from bench.grpc_admissions import ADMIT, Requests
from lab27.membership.v1 import membership_pb2 as pb
from shared.application.consistency import decode_token

RATES = [float(r) for r in os.environ.get("BENCH_LAG_RATES", "250,1000").split(",")]
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP = 1.0
TOPIC = "lab27.membership.events"
GOAL_P99_MS = 20.0
OVERLOAD_RATE = float(os.environ.get("BENCH_OVERLOAD_RATE", "0"))  # 0: twice the measured saturation
WARMUP_RATE, WARMUP_SECONDS = 250.0, 5.0  # every process warm (a JVM compiles for seconds)
RECOVERY_RATE = float(os.environ.get("BENCH_RECOVERY_RATE", "250"))
RECOVERY_SECONDS = 3.0
ALLOWED_UNDER_OVERLOAD = {"RESOURCE_EXHAUSTED"}


async def send_paced(call, requests: Requests, rate: float, seconds: float,
                     replies: list[tuple[float, int, float]] | None) -> tuple[int, dict[str, int]]:
    """Open loop: call i starts at start + i/rate whatever the earlier ones do.
    Appends (reply time, position, latency) to ``replies``; returns (sent, errors by code)."""
    tasks: set[asyncio.Task] = set()
    errors: dict[str, int] = {}

    async def one(body: bytes) -> None:
        t0 = time.monotonic()
        try:
            reply = await call(body, timeout=10)
        except grpc.aio.AioRpcError as exc:
            errors[exc.code().name] = errors.get(exc.code().name, 0) + 1
            return
        done = time.monotonic()
        if replies is not None:
            token = pb.AdmitMemberResponse.FromString(reply).result.consistency_token
            replies.append((done, decode_token(token)[TOPIC], done - t0))

    total = int(rate * seconds)
    start = time.monotonic()
    for i in range(total):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(requests.take()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    return total, errors


def lags(replies: list[tuple[float, int, float]], changes: list[tuple[float, int, int]],
         column: int) -> tuple[list[float], int]:
    """For each reply: seconds from the reply to the first poll whose checkpoint (``column``
    1 = directory, 2 = relay) reached its position; 0 when it was already visible at the
    reply. Also returns how many never became visible while polling."""
    times = [c[0] for c in changes]
    out: list[float] = []
    missing = 0
    for replied, position, _latency in replies:
        # the first change at or after the reply, or the state at the reply
        k = max(0, bisect.bisect_left(times, replied) - 1)
        while k < len(changes) and changes[k][column] < position:
            k += 1
        if k == len(changes):
            missing += 1
            continue
        out.append(max(0.0, changes[k][0] - replied))
    return out, missing


async def watch_health(target: str, stop: asyncio.Event) -> dict[str, int]:
    """Health.Check every 100 ms until ``stop``: answers counted by status (or error code)."""
    seen: dict[str, int] = {}
    async with grpc.aio.insecure_channel(target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while not stop.is_set():
            try:
                reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                key = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
            except grpc.aio.AioRpcError as error:
                key = error.code().name
            seen[key] = seen.get(key, 0) + 1
            await asyncio.sleep(0.1)
    return seen


async def saturating_rate(call, seconds: float = 3.0, in_flight: int = 32) -> float:
    """Admissions/s at ``in_flight`` calls in flight, closed loop: what the service can do."""
    requests = Requests(f"saturate-{os.getpid()}")
    requests.fill(4000)
    done = 0
    end = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal done
        while time.monotonic() < end:
            try:
                await call(requests.take(), timeout=10)
                done += 1
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.05)

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done / seconds


async def overload(svc, call, baseline_p99_ms: float) -> None:
    """Twice the saturating rate, then a low rate: refused fast, never cancelled, recovers."""
    saturation = await saturating_rate(call)
    rate = OVERLOAD_RATE or 2 * saturation
    print(f"\nsaturating rate (32 in flight, closed loop, 3 s): {saturation:,.0f}/s; overload at {rate:,.0f}/s")
    await asyncio.sleep(1.0)
    requests = Requests(f"overload-{os.getpid()}")
    requests.fill(int(rate * SECONDS) + int(RECOVERY_RATE * RECOVERY_SECONDS) + 100)
    stop = asyncio.Event()
    health = asyncio.create_task(watch_health(svc.target, stop))
    replies: list[tuple[float, int, float]] = []
    start = cpu_mark(svc.roots, time.monotonic)
    sent, errors = await send_paced(call, requests, rate, SECONDS, replies)
    end = cpu_mark(svc.roots, time.monotonic)
    stop.set()
    health_seen = await health
    wall, cores = cpu_window(start, end)
    refused = errors.get("RESOURCE_EXHAUSTED", 0)
    latency = [r[2] for r in replies]
    print(f"overload: open loop at {rate:,.0f}/s for {SECONDS:g} s: {sent} sent, {len(replies)} succeeded "
          f"({len(replies) / wall:,.0f}/s, p50 {pct(latency, .5) * 1000:.1f} ms, p99 {pct(latency, .99) * 1000:.1f} ms), "
          f"{refused} RESOURCE_EXHAUSTED, other errors {({k: v for k, v in errors.items() if k not in ALLOWED_UNDER_OVERLOAD}) or 0}")
    print("CPU cores: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()))
    print(f"health checks during the overload: {health_seen}")

    await asyncio.sleep(1.0)  # the load drops
    recovered: list[tuple[float, int, float]] = []
    rec_sent, rec_errors = await send_paced(call, requests, RECOVERY_RATE, RECOVERY_SECONDS, recovered)
    rec_latency = [r[2] for r in recovered]
    rec_p99 = pct(rec_latency, .99) * 1000
    print(f"after, at {RECOVERY_RATE:g}/s for {RECOVERY_SECONDS:g} s: {len(recovered)} of {rec_sent} succeeded, "
          f"errors {rec_errors or 0}, p50 {pct(rec_latency, .5) * 1000:.1f} ms, p99 {rec_p99:.1f} ms "
          f"(baseline, the first rate's reply p99: {baseline_p99_ms:.1f} ms)")
    checks = {
        "no CANCELLED": "CANCELLED" not in errors and "CANCELLED" not in rec_errors,
        "no INTERNAL": "INTERNAL" not in errors and "INTERNAL" not in rec_errors,
        "every call succeeded or got RESOURCE_EXHAUSTED": len(replies) + refused == sent,
        "stayed SERVING": set(health_seen) == {"SERVING"},
        "recovered (every call succeeds at the low rate)": not rec_errors and len(recovered) == rec_sent,
    }
    for name, ok in checks.items():
        print(f"  {name}: {'yes' if ok else 'NO'}")


async def measure(svc, call, rate: float) -> float:
    requests = Requests(f"lag-{os.getpid()}-{rate:g}")
    requests.fill(int(rate * (SECONDS + WARMUP)) + 100)
    poll_seconds = WARMUP + SECONDS + 1.5
    with checkpoint_poller(svc.dsn, TOPIC, poll_seconds) as poller:
        await asyncio.to_thread(poller.wait_ready)
        await send_paced(call, requests, rate, WARMUP, None)
        replies: list[tuple[float, int, float]] = []
        start = cpu_mark(svc.roots, time.monotonic)
        sent, errors = await send_paced(call, requests, rate, SECONDS, replies)
        end = cpu_mark(svc.roots, time.monotonic)
        changes, polls = await asyncio.to_thread(poller.result)

    wall, cores = cpu_window(start, end)
    directory, missing_dir = lags(replies, changes, 1)
    relay, missing_relay = lags(replies, changes, 2)
    poll_ms = poll_seconds / max(1, polls) * 1000
    latency = [r[2] for r in replies]
    print(f"\nopen loop at {rate:g}/s for {SECONDS:g} s: {sent} admissions sent, {len(replies)} replied "
          f"({len(replies) / wall:,.0f}/s), errors {errors or 0}; reply latency p50 {pct(latency, .5) * 1000:.2f} ms, "
          f"p99 {pct(latency, .99) * 1000:.2f} ms")
    print("CPU cores: " + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()))
    print(f"| {rate:g}/s: from the reply until ... | p50 ms | p99 ms | max ms | visible at reply | never seen |")
    print("|---|---|---|---|---|---|")
    for name, xs, missing in (("relay checkpoint (broker acked)", relay, missing_relay),
                              ("member_directory checkpoint (query with token answers)", directory, missing_dir)):
        at_reply = sum(1 for x in xs if x == 0.0)
        print(f"| {name} | {pct(xs, .5) * 1000:.2f} | {pct(xs, .99) * 1000:.2f} | {max(xs, default=float('nan')) * 1000:.2f} "
              f"| {at_reply / max(1, len(xs)):.0%} | {missing} |")
    print(f"| baseline: mean interval between the watcher's reads | {poll_ms:.2f} | | | | |")
    p99 = pct(directory, .99) * 1000
    ok = p99 <= GOAL_P99_MS and not missing_dir and not errors
    print(f"goal p99 <= {GOAL_P99_MS:g} ms at {rate:g}/s: {'met' if ok else 'MISSED'} (p99 {p99:.1f} ms)")
    return pct(latency, .99) * 1000


async def main() -> None:
    for broker in bench_brokers():
        print(f"\n### broker: {broker}")
        async with membership_service(broker=broker) as svc:
            channel = grpc.aio.insecure_channel(svc.target)
            call = channel.unary_unary(ADMIT, request_serializer=None, response_deserializer=None)
            await channel.channel_ready()
            warm = Requests(f"lag-warm-{os.getpid()}")
            await send_paced(call, warm, WARMUP_RATE, WARMUP_SECONDS, None)  # connections, caches, JIT
            await asyncio.sleep(1.0)
            first_p99 = None
            for rate in RATES:
                p99 = await measure(svc, call, rate)
                first_p99 = p99 if first_p99 is None else first_p99
                await asyncio.sleep(1.0)  # let a backlog drain before the next rate
            await overload(svc, call, first_p99 or float("nan"))
            await channel.close()
