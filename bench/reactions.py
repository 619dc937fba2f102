"""Reaction lag and token waits across services, on the kit alone (no lab27 service).

A publisher (a store and its relay) stores ``Pinged(n)``; a consumer service runtime (ROLE=all,
in this process: its API-side token waits, its worker's faust consumer, local view, read
model and reaction) reacts to each ping with its own command ``Record(n)``, which its read
model ``echo_records`` shows. Figures:

- **reaction lag**: from the publisher's commit (``append`` returned) until a query on the
  consumer's read model carrying the publisher's token answers (the reaction has handled the
  ping, its command is stored, relayed and applied), p50/p99, at rest (one ping every 300 ms)
  and at 50 pings/s (open loop);
- **waiting on a foreign token**, when the read model is already there (the query's whole
  wait) and when it is not yet (right after the commit: that is the lag above), beside the
  same query with no token (baseline).

BENCH_SECONDS (default 5) per open-loop rate; BENCH_REST_PINGS (default 30).
Postgres is embedded unless POSTGRES_DSN is set; the broker is tansu unless KAFKA_BOOTSTRAP_SERVERS is.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from bench._postgres import bench_broker, bench_postgres
from bench._stats import pct
from shared.application.command_handler import CommandHandler, CommandOutcome
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.db import create_pool, with_database
from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import EventMeta, ReadModel, Row, Table
from shared.reactions import Reaction, ReactionContext
from shared.relay import Relay
from shared.runtime import ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings, events_topic

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
REST_PINGS = int(os.environ.get("BENCH_REST_PINGS", "30"))
PUBLISHER = "echopub"


class Pinged(DomainEvent):
    event_type: ClassVar[str] = "echopub.Pinged"
    n: int


class Recorded(DomainEvent):
    event_type: ClassVar[str] = "echo.Recorded"
    n: int


class Record(BaseModel):
    n: int


RECORDS = Decider("echo.Record", None, lambda _s, _e: "recorded",
                  lambda state, command: [] if state else [Recorded(n=command.n)])
records = Table("records", key="n")


@records.on(Recorded)
def recorded(row: Row | None, e: Recorded, meta: EventMeta) -> Row:
    return {"n": e.n}


ECHO_RECORDS = ReadModel("echo_records", "CREATE TABLE IF NOT EXISTS records (n bigint PRIMARY KEY)",
                         {events_topic("echo"): EventRegistry([Recorded])}, (records,))


class EchoCommands:
    def __init__(self, infra) -> None:
        self.handler = CommandHandler(infra.store, EventRegistry([Recorded]), RECORDS)

    async def execute(self, command: Record, meta: RequestMeta) -> tuple[int, CommandOutcome]:
        return command.n, await self.handler.run(f"record-{command.n}", command, meta, assume_new=True)


async def record(ctx: ReactionContext, e: Pinged, meta: EventMeta) -> None:
    await ctx.execute(Record(n=e.n))


def consumer(dsn: str, bootstrap: str) -> ServiceRuntime:
    reaction = Reaction("echo_reaction", {events_topic(PUBLISHER): EventRegistry([Pinged])},
                        {Pinged.event_type: record})
    settings = ServiceSettings(service_name="echo", role="all", grpc_port=0, postgres_dsn=dsn,
                               kafka_bootstrap_servers=bootstrap, consistency_wait_ms=10000, log_level="WARNING")
    return ServiceRuntime(settings, ServiceParts("echo", projections=[ECHO_RECORDS], api=lambda infra: ([], []),
                                                 reactions=[reaction], commands=EchoCommands))


async def ping(store: PostgresEventStore, n: int) -> int:
    result = await store.append(f"ping-{n}", "echopub.Ping", None, [NewEvent(
        event_id=uuid.uuid4(), type=Pinged.event_type, data={"n": n}, occurred_at=datetime.now(UTC))])
    return result.position


def row(label: str, seconds: list[float]) -> str:
    return f"| {label} | {len(seconds)} | {pct(seconds, .5) * 1000:.2f} | {pct(seconds, .99) * 1000:.2f} |"


async def main() -> None:
    async with bench_postgres() as db, bench_broker() as bootstrap:
        consumer_dsn = with_database(db.dsn, f"{db.dsn.rsplit('/', 1)[1]}_echo")
        admin = await create_pool(with_database(db.dsn, "postgres"), max_size=1)
        await admin.execute(f'CREATE DATABASE "{consumer_dsn.rsplit("/", 1)[1]}"')
        await admin.close()
        store = await PostgresEventStore.connect(db.dsn, PUBLISHER, max_size=4)
        await store.migrate()
        relay = Relay(db.dsn, bootstrap, PUBLISHER)
        await relay.start()
        runtime = consumer(consumer_dsn, bootstrap)
        await runtime.start()
        consistency = runtime.infra.consistency
        topic = events_topic(PUBLISHER)
        n = 0

        async def lag() -> float:
            nonlocal n
            n += 1
            position = await ping(store, n)
            started = time.perf_counter()
            await consistency.for_query("echo_records", {topic: position})
            return time.perf_counter() - started

        try:
            for _ in range(5):  # warm-up: group joins, first statements prepared
                await lag()
            at_rest = []
            for _ in range(REST_PINGS):
                at_rest.append(await lag())
                await asyncio.sleep(0.3)
            tasks, started = [], time.perf_counter()
            for i in range(int(50 * SECONDS)):
                await asyncio.sleep(max(0.0, started + i / 50 - time.perf_counter()))
                tasks.append(asyncio.create_task(lag()))
            at_50 = list(await asyncio.gather(*tasks))

            position = await store.last_position()
            there, none = [], []
            for _ in range(200):
                t0 = time.perf_counter()
                await consistency.for_query("echo_records", {topic: position})
                there.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                await consistency.for_query("echo_records", {})
                none.append(time.perf_counter() - t0)
            count = await runtime.infra.pool.fetchval("SELECT count(*) FROM echo_records.records")
            assert count == n, (count, n)
        finally:
            await runtime.stop()
            await relay.stop()
            await store.close()
    print("| from the publisher's commit until a consumer query with its token answers | samples | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    print(row("reaction lag at rest (one ping every 300 ms)", at_rest))
    print(row("reaction lag at 50 pings/s", at_50))
    print(row("query waiting on a foreign token already applied", there))
    print(row("baseline: the same query with no token", none))
    print("waiting on a token not yet applied = the reaction lag rows (the wait starts at the commit)")
