"""Runs one service: event store, relay, projections, reactions and the gRPC API together.

Every service's bootstrap builds a ServiceParts (what is particular to it) and hands it to
ServiceRuntime, so the four services are wired the same way.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
import structlog

from shared import kafka
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.grpc.server import GrpcServer, ServicerRegistration, create_server
from shared.projections import Projection, ProjectionRunner
from shared.relay.relay import Relay
from shared.settings import ServiceSettings

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
    projections: ProjectionRunner


@dataclass(frozen=True)
class ServiceParts:
    projections: Sequence[Projection]
    # Given the infrastructure: the servicers to register and their full service names.
    api: Callable[[Infrastructure], tuple[Sequence[ServicerRegistration], Sequence[str]]]
    # Consumers of other services' events (process managers); empty for a pure publisher.
    reactions: Callable[[Infrastructure], Sequence[Startable]] = lambda _infra: ()
    extra_migrations: Sequence[str] = field(default_factory=tuple)


class ServiceRuntime:
    def __init__(self, settings: ServiceSettings, parts: ServiceParts) -> None:
        self.settings = settings
        self.parts = parts
        self.infra: Infrastructure | None = None
        self.relay: Relay | None = None
        self.server: GrpcServer | None = None
        self._reactions: list[Startable] = []

    async def start(self) -> GrpcServer:
        s = self.settings
        pool = await create_pool(s.postgres_dsn, min_size=2, max_size=s.db_pool_size)
        store = PostgresEventStore(pool, producer=s.service_name, batch_window=s.append_batch_window)
        await store.migrate()
        async with pool.acquire() as conn:
            for ddl in self.parts.extra_migrations:
                await conn.execute(ddl)
        await store.start()
        await kafka.ensure_topics(s.kafka_bootstrap_servers, [s.events_topic, s.dlq_topic])
        runner = ProjectionRunner(s.service_name, self.parts.projections, bootstrap=s.kafka_bootstrap_servers,
                                  pool=pool, profile=s.kafka)
        self.infra = Infrastructure(s, pool, store, runner)
        self.relay = Relay(s.postgres_dsn, s.kafka_bootstrap_servers, s.service_name, profile=s.kafka)
        await self.relay.start()
        await runner.start()
        self._reactions = list(self.parts.reactions(self.infra))
        for reaction in self._reactions:
            await reaction.start()
        servicers, names = self.parts.api(self.infra)
        self.server = create_server(servicers, names, s.grpc_host, s.grpc_port)
        await self.server.start()
        log.info("service.started", service=s.service_name, grpc=f"{s.grpc_host}:{self.server.port}")
        return self.server

    async def stop(self) -> None:
        """Stop taking calls first, then consumers, then the writer and the pool.

        Each step is bounded: a broker or database that is already gone must not keep the
        process from exiting (everything is at-least-once and resumes from checkpoints).
        """
        steps: list[tuple[str, Callable[[], Any]]] = []
        if self.server is not None:
            steps.append(("grpc", lambda: self.server.stop(grace=5.0)))
        steps += [(f"reaction {i}", r.stop) for i, r in enumerate(reversed(self._reactions))]
        if self.infra is not None:
            steps.append(("projections", self.infra.projections.stop))
        if self.relay is not None:
            steps.append(("relay", self.relay.stop))
        if self.infra is not None:
            steps += [("event store", self.infra.store.close), ("pool", self.infra.pool.close)]
        for name, stop in steps:
            try:
                await asyncio.wait_for(stop(), STOP_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - shutting down: report and go on
                log.warning("service.stop_step_failed", step=name, error=repr(exc))
        self.server = None
        self.infra = None
        self.relay = None
        log.info("service.stopped", service=self.settings.service_name)


def waiter_for(infra: Infrastructure, projection: str) -> Callable[[int], Any]:
    """Read-your-writes: wait until ``projection`` has applied this service's position."""
    waiter = infra.projections.waiter(projection)
    topic = infra.settings.events_topic
    timeout = infra.settings.consistency_wait_ms / 1000

    async def wait_for(position: int) -> None:
        await waiter.wait_for(topic, position, timeout)

    return wait_for
