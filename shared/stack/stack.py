"""Starts (or points at) the Postgres and Kafka a set of services needs."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from shared.db import with_database
from shared.stack.broker import EmbeddedBroker
from shared.stack.postgres import EmbeddedPostgres

SERVICES = ("membership", "cohorts", "funding", "bookings")


def database_name(service: str) -> str:
    return f"lab27_{service}"


@dataclass
class Stack:
    """Where each service's database and the broker are; embedded parts are owned here."""

    root: Path
    services: tuple[str, ...] = SERVICES
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | None = None
    external_postgres_dsn: str | None = None
    external_kafka: str | None = None

    @classmethod
    def from_env(cls, root: Path, services: tuple[str, ...] = SERVICES) -> "Stack":
        """POSTGRES_DSN / KAFKA_BOOTSTRAP_SERVERS name real servers; otherwise embed both."""
        return cls(
            root=root,
            services=services,
            external_postgres_dsn=os.environ.get("POSTGRES_DSN") or None,
            external_kafka=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
        )

    def start(self) -> "Stack":
        with ThreadPoolExecutor(2) as pool:
            pg = pool.submit(self._start_postgres)
            kafka = pool.submit(self._start_broker)
            pg.result()
            kafka.result()
        return self

    def _start_postgres(self) -> None:
        if self.external_postgres_dsn:
            return
        self.postgres = EmbeddedPostgres(self.root / "pgdata").start()
        for service in self.services:
            self.postgres.create_database(database_name(service))

    def _start_broker(self) -> None:
        if self.external_kafka:
            return
        self.broker = EmbeddedBroker(self.root / "tansu.log").start()

    @property
    def kafka_bootstrap_servers(self) -> str:
        if self.external_kafka:
            return self.external_kafka
        assert self.broker is not None, "stack not started"
        return self.broker.bootstrap_servers

    def postgres_dsn(self, service: str) -> str:
        if self.external_postgres_dsn:
            # One server, one database per service: the DSN's database is replaced.
            return with_database(self.external_postgres_dsn, database_name(service))
        assert self.postgres is not None, "stack not started"
        return self.postgres.dsn(database_name(service))

    def service_env(self, service: str, grpc_port: int) -> dict[str, str]:
        return {
            "SERVICE_NAME": service,
            "POSTGRES_DSN": self.postgres_dsn(service),
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "GRPC_PORT": str(grpc_port),
        }

    def stop(self) -> None:
        if self.broker:
            self.broker.stop()
        if self.postgres:
            self.postgres.stop()
