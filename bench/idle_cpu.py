"""CPU of the idle stack, per broker: the membership service (API + worker processes),
Postgres and the broker, doing nothing but waiting for work.

For each broker BENCH_BROKER names (BENCH_BROKER=tansu,kafka: both, in the same run), the
service starts on a fresh database and broker, admits BENCH_IDLE_WARM (default 200)
members so that every consumer, producer and connection is warm, then the CPU of each
process group is measured over BENCH_IDLE_SECONDS (default 10) of idleness. Baseline, same
run: the rest of the machine ("not ours"), which tells whether the figure can be trusted.
tansu answers a fetch only when its max wait (5 ms) expires, so idle consumers poll it 200
times a second; Apache Kafka holds a fetch until data arrives or the wait expires too, and
also runs its own timers (KRaft controller, log manager).
"""
from __future__ import annotations

import asyncio
import os
import time

import grpc

from bench._postgres import bench_brokers
from bench._service import cpu_mark, cpu_window, membership_service
from bench.grpc_admissions import ADMIT, Requests

SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "10"))
WARM = int(os.environ.get("BENCH_IDLE_WARM", "200"))
# Seconds after the warm-up calls before measuring: a JVM goes on compiling for a while.
SETTLE = float(os.environ.get("BENCH_IDLE_SETTLE", "15"))
# On Apache Kafka a long fetch wait costs no latency (it answers as soon as a record is
# there): also measured with this one, next to the default 5 ms tuned for tansu.
KAFKA_LONG_WAIT_MS = "500"
GROUPS = ("service", "postgres", "broker", "client", "not ours")


async def idle(broker: str, **settings: str) -> dict[str, float]:
    async with membership_service(broker=broker, **settings) as svc:
        async with grpc.aio.insecure_channel(svc.target) as channel:
            call = channel.unary_unary(ADMIT, request_serializer=None, response_deserializer=None)
            requests = Requests(f"idle-{broker}-{os.getpid()}")
            for _ in range(WARM):
                await call(requests.take(), timeout=10)
        await asyncio.sleep(SETTLE)
        start = cpu_mark(svc.roots, time.monotonic)
        await asyncio.sleep(SECONDS)
        end = cpu_mark(svc.roots, time.monotonic)
    _wall, cores = cpu_window(start, end)
    return cores


async def idle_broker_alone(broker: str) -> dict[str, float]:
    """The broker with no client at all (after the same settle time): the floor."""
    from bench._postgres import bench_broker

    async with bench_broker(broker):
        await asyncio.sleep(SETTLE)
        start = cpu_mark((), time.monotonic)
        await asyncio.sleep(SECONDS)
        end = cpu_mark((), time.monotonic)
    return cpu_window(start, end)[1]


async def main() -> None:
    rows = []
    for broker in bench_brokers():
        rows.append((f"{broker}, no client (baseline)", await idle_broker_alone(broker)))
        rows.append((broker, await idle(broker)))
        if broker == "kafka":
            rows.append((f"kafka, KAFKA_FETCH_MAX_WAIT_MS={KAFKA_LONG_WAIT_MS}",
                         await idle(broker, KAFKA_FETCH_MAX_WAIT_MS=KAFKA_LONG_WAIT_MS)))
    print(f"idle for {SECONDS:g} s, {SETTLE:g} s after {WARM} admissions (cores = CPU seconds per second)")
    print("| broker | " + " | ".join(GROUPS) + " | service + postgres + broker |")
    print("|---" * (len(GROUPS) + 2) + "|")
    for broker, cores in rows:
        stack = sum(cores.get(k, 0.0) for k in ("service", "postgres", "broker"))
        print(f"| {broker} | " + " | ".join(f"{cores.get(k, 0.0):.3f}" for k in GROUPS) + f" | {stack:.3f} |")
