"""Runs one service: event store, relay, projections, reactions and the gRPC API.

Every service's bootstrap builds a ServiceParts (what is particular to it) and hands it to
ServiceRuntime, so the four services are wired the same way.

A service has two roles, which can share a process or not (``ROLE``):
- ``api``: the gRPC commands and queries, the event store's writer, read-your-writes waits;
- ``worker``: the relay, the projections and the reactions (consumers of other services).
``all`` runs both in one process; ``split`` (the default) runs the API here and the worker
as a child process, so a busy API and a busy projection do not share one interpreter lock.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import asyncpg
import structlog

from shared import kafka
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.grpc.server import GrpcServer, ServicerRegistration, create_server
from shared.projections import PositionWaiter, ProjectionRunner, ReadModel
from shared.projections import schema as projection_schema
from shared.relay.relay import Relay
from shared.settings import ServiceSettings, events_topic
from shared.worker_process import WorkerProcess

log = structlog.get_logger("shared.runtime")
STOP_TIMEOUT = 10.0  # seconds per shutdown step


class Startable(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Infrastructure:
    """What a service's parts are built from."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    store: PostgresEventStore
    waiters: dict[str, PositionWaiter] = field(default_factory=dict)  # API side
    sources: dict[str, Sequence[str]] = field(default_factory=dict)  # read model -> its topics
    projections: ProjectionRunner | None = None  # worker side


@dataclass(frozen=True)
class ServiceParts:
    service: str  # the name its events are published under (lab27.<service>.events)
    projections: Sequence[ReadModel]
    # Given the infrastructure: the servicers to register and their full service names.
    api: Callable[[Infrastructure], tuple[Sequence[ServicerRegistration], Sequence[str]]]
    # Consumers of other services' events (process managers); empty for a pure publisher.
    reactions: Callable[[Infrastructure], Sequence[Startable]] = lambda _infra: ()
    extra_migrations: Sequence[str] = field(default_factory=tuple)


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings, parts: ServiceParts) -> None:
        self.settings = settings
        # Run under another name (tests beside each other on one broker), a service publishes
        # lab27.<that name>.events: its read models of its own events read that topic.
        own = {events_topic(parts.service): settings.events_topic}
        self.parts = replace(parts, projections=[m.with_topics(own) for m in parts.projections])
        self.infra: Infrastructure | None = None
        self.relay: Relay | None = None
        self.server: GrpcServer | None = None
        self.worker_process: WorkerProcess | None = None
        self._reactions: list[Startable] = []
        self._stops: list[tuple[str, Callable[[], Awaitable[Any]]]] = []

    @property
    def runs_api(self) -> bool:
        return self.settings.role in ("api", "all", "split")

    @property
    def runs_worker(self) -> bool:
        return self.settings.role in ("worker", "all")

    async def start(self) -> GrpcServer | None:
        """Starts this process's parts; returns the gRPC server when this process serves one."""
        s = self.settings
        pool = await create_pool(s.postgres_dsn, min_size=2, max_size=s.db_pool_size)
        self._stops.append(("pool", pool.close))
        store = PostgresEventStore(pool, producer=s.service_name, batch_window=s.append_batch_window)
        await self._migrate(pool, store)
        self._stops.append(("event store", store.close))
        self.infra = infra = Infrastructure(s, pool, store,
                                            sources={p.name: p.topics for p in self.parts.projections})
        await kafka.ensure_topics(s.kafka_bootstrap_servers, [s.events_topic, s.dlq_topic])
        if self.runs_worker:
            await self._start_worker(infra)
        if s.role == "split":
            self.worker_process = WorkerProcess(s.service_name)
            await self.worker_process.start()
            self._stops.append(("worker process", self.worker_process.stop))
        if self.runs_api:
            await self._start_api(infra)
        log.info("service.started", service=s.service_name, role=s.role,
                 grpc=f"{s.grpc_host}:{self.server.port}" if self.server else None)
        return self.server

    async def _migrate(self, pool: asyncpg.Pool, store: PostgresEventStore) -> None:
        await store.migrate()
        async with pool.acquire() as conn:
            for ddl in self.parts.extra_migrations:
                await conn.execute(ddl)
            # Both roles need the read-model schemas: the worker writes them, the API reads them.
            for projection in self.parts.projections:
                await projection_schema.install(conn, projection.name, projection.ddl_text())

    async def _start_worker(self, infra: Infrastructure) -> None:
        s = self.settings
        self.relay = Relay(s.postgres_dsn, s.kafka_bootstrap_servers, s.service_name, linger=s.relay_linger,
                           profile=s.kafka)
        await self.relay.start()
        self._stops.append(("relay", self.relay.stop))
        runner = ProjectionRunner(s.service_name, self.parts.projections, bootstrap=s.kafka_bootstrap_servers,
                                  pool=infra.pool, profile=s.kafka)
        await runner.start()
        self._stops.append(("projections", runner.stop))
        infra.projections = runner
        self._reactions = list(self.parts.reactions(infra))
        for i, reaction in enumerate(self._reactions):
            await reaction.start()
            self._stops.append((f"reaction {i}", reaction.stop))

    async def _start_api(self, infra: Infrastructure) -> None:
        s = self.settings
        for projection in self.parts.projections:
            if infra.projections is not None:  # same process: the runner tells its waiters directly
                infra.waiters[projection.name] = infra.projections.waiter(projection.name)
            else:
                waiter = PositionWaiter(infra.pool, projection.name, dsn=s.postgres_dsn)
                await waiter.start()
                self._stops.append((f"waiter {projection.name}", waiter.stop))
                infra.waiters[projection.name] = waiter
        servicers, names = self.parts.api(infra)
        self.server = create_server(servicers, names, s.grpc_host, s.grpc_port, max_in_flight=s.max_in_flight,
                                    max_loop_lag=s.max_loop_lag_ms / 1000)
        await self.server.start()
        self._stops.append(("grpc", lambda: self.server.stop(grace=5.0)))

    async def stop(self) -> None:
        """Undo start in reverse: stop taking calls first, then consumers, the writer, the pool.

        Each step is bounded: a broker or database that is already gone must not keep the
        process from exiting (everything is at-least-once and resumes from checkpoints).
        """
        while self._stops:
            name, stop = self._stops.pop()
            # Not asyncio.wait_for: it waits for the cancelled step to finish, and faust's stop
            # can swallow the cancellation and wait on forever. A worker orphaned by a kill -9 of
            # its API hung so for minutes, still in the consumer group and holding the relay's
            # lock, so its successor got no partition (the read model stood still).
            step = asyncio.ensure_future(stop())
            done, _ = await asyncio.wait({step}, timeout=STOP_TIMEOUT)
            if not done:
                step.cancel()
                log.warning("service.stop_step_timed_out", step=name, seconds=STOP_TIMEOUT)
            elif (exc := step.exception()) is not None:
                log.warning("service.stop_step_failed", step=name, error=repr(exc))
        self.server = None
        log.info("service.stopped", service=self.settings.service_name, role=self.settings.role)


def token_waiter(infra: Infrastructure) -> Callable[[str, Mapping[str, int]], Awaitable[None]]:
    """Read-your-writes: wait until a read model has applied a token's positions in the topics
    it consumes, within one bounded wait (CONSISTENCY_WAIT_MS) for all of them."""
    timeout = infra.settings.consistency_wait_ms / 1000

    async def wait_for(read_model: str, positions: Mapping[str, int]) -> None:
        waiter = infra.waiters[read_model]
        deadline = asyncio.get_running_loop().time() + timeout
        for topic, position in positions.items():
            if topic in infra.sources[read_model]:
                remaining = max(0.0, deadline - asyncio.get_running_loop().time())
                await waiter.wait_for(topic, position, remaining)

    return wait_for
