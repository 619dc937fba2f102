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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
import structlog

from shared import kafka
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.grpc.server import GrpcServer, ServicerRegistration, create_server
from shared.projections import PositionWaiter, ProjectionRunner, ReadModel
from shared.projections.tokens import TokenWaits
from shared.reactions import Reaction
from shared.projections import schema as projection_schema
from shared.relay.relay import Relay
from shared.settings import ServiceSettings, events_topic
from shared.worker_process import WorkerProcess

log = structlog.get_logger("shared.runtime")
STOP_TIMEOUT = 10.0  # seconds per shutdown step


@dataclass
class Infrastructure:
    """What a service's parts are built from."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    store: PostgresEventStore
    consistency: TokenWaits
    waiters: dict[str, PositionWaiter] = field(default_factory=dict)  # consumer -> its checkpoint's waiter
    commands: Any = None  # the service's command entry point (an object with ``execute``)
    projections: ProjectionRunner | None = None  # worker side


@dataclass(frozen=True)
class ServiceParts:
    service: str  # the name its events are published under (lab27.<service>.events)
    projections: Sequence[ReadModel]
    # Given the infrastructure: the servicers to register and their full service names.
    api: Callable[[Infrastructure], tuple[Sequence[ServicerRegistration], Sequence[str]]]
    # Other services' events -> this service's commands (process managers), issued through
    # ``commands(infra).execute``; none for a pure publisher.
    reactions: Sequence[Reaction] = ()
    commands: Callable[[Infrastructure], Any] | None = None
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
        self._stops: list[tuple[str, Callable[[], Awaitable[Any]]]] = []

    @property
    def consumers(self) -> list[ReadModel | Reaction]:
        return [*self.parts.projections, *self.parts.reactions]

    @property
    def runs_api(self) -> bool:
        return self.settings.role in ("api", "all", "split")

    @property
    def runs_worker(self) -> bool:
        return self.settings.role in ("worker", "all")

    async def start(self) -> GrpcServer | None:
        """Starts this process's parts; returns the gRPC server when this process serves one."""
        s = self.settings
        if s.role == "split":  # first: its start-up (imports, joining the group) overlaps ours
            self.worker_process = WorkerProcess(s.service_name)
            await self.worker_process.start()
            self._stops.append(("worker process", self.worker_process.stop))
        pool = await create_pool(s.postgres_dsn, min_size=2, max_size=s.db_pool_size)
        self._stops.append(("pool", pool.close))
        store = PostgresEventStore(pool, producer=s.service_name, batch_window=s.append_batch_window)
        await self._migrate(pool, store)
        self._stops.append(("event store", store.close))
        waiters: dict[str, PositionWaiter] = {}
        consistency = TokenWaits(s.events_topic, {p.name: p.topics for p in self.parts.projections},
                                 {r.name: r.topics for r in self.parts.reactions}, waiters,
                                 s.consistency_wait_ms / 1000)
        self.infra = infra = Infrastructure(s, pool, store, consistency, waiters)
        if self.parts.commands is not None:
            infra.commands = self.parts.commands(infra)
        await kafka.ensure_topics(s.kafka_bootstrap_servers, [s.events_topic, s.dlq_topic])
        if self.runs_worker:
            await self._start_worker(infra)
        if self.worker_process is not None:
            await self.worker_process.wait_ready()
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
            # Both roles need the consumers' schemas: the worker writes them, the API reads them.
            for consumer in self.consumers:
                await projection_schema.install(conn, consumer.name, consumer.ddl_text())

    async def _start_worker(self, infra: Infrastructure) -> None:
        s = self.settings
        self.relay = Relay(s.postgres_dsn, s.kafka_bootstrap_servers, s.service_name, linger=s.relay_linger,
                           profile=s.kafka)
        await self.relay.start()
        self._stops.append(("relay", self.relay.stop))
        runner = ProjectionRunner(s.service_name, self.parts.projections, bootstrap=s.kafka_bootstrap_servers,
                                  pool=infra.pool, profile=s.kafka, reactions=self.parts.reactions,
                                  execute=infra.commands.execute if infra.commands is not None else None,
                                  own_topic=s.events_topic)
        await runner.start()
        self._stops.append(("consumers", runner.stop))
        infra.projections = runner
        infra.waiters.update(runner.waiters)  # same process: the runner tells its waiters directly

    async def _start_api(self, infra: Infrastructure) -> None:
        s = self.settings
        for consumer in self.consumers:
            if consumer.name not in infra.waiters:  # another process applies it: LISTEN to its commits
                waiter = PositionWaiter(infra.pool, consumer.name, dsn=s.postgres_dsn)
                await waiter.start()
                self._stops.append((f"waiter {consumer.name}", waiter.stop))
                infra.waiters[consumer.name] = waiter
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
