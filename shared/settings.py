"""Settings from the environment (pydantic-settings). Read only when a bootstrap asks."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def events_topic(service: str) -> str:
    """Where a service publishes its events: its public history."""
    return f"lab27.{service}.events"


def dlq_topic(service: str) -> str:
    """Where a service's consumers put the records they could not apply."""
    return f"lab27.{service}.dlq"


class KafkaClientProfile(BaseSettings):
    """Client timings that work on both tansu and Apache Kafka.

    tansu answers a fetch only when the consumer's max wait expires, so the wait is short;
    its first group join waits half the session timeout, and 6 s is Kafka's minimum.
    """

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    session_timeout_ms: int = 6000
    heartbeat_interval_ms: int = 1000
    fetch_max_wait_ms: int = 5
    # A consumer that has had no record for idle_after_ms fetches with this wait instead, until
    # the next record: tansu answers only when the wait runs out, so this is the latency of the
    # first event after a quiet spell there (Apache Kafka answers as soon as a record is there).
    idle_fetch_max_wait_ms: int = 100
    idle_after_ms: int = 2000
    request_timeout_ms: int = 30000


class ServiceSettings(BaseSettings):
    """What every service needs; each service's bootstrap may subclass it."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "membership"
    # api: gRPC + writer; worker: relay + projections + reactions; all: both in this process;
    # split: the API here and the worker as a child process (two interpreters, two cores).
    role: Literal["split", "all", "api", "worker"] = "split"
    postgres_dsn: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/lab27",
        description="asyncpg DSN of this service's own database",
    )
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50051
    metrics_port: int = 0  # 0 = no Prometheus endpoint
    log_level: str = "INFO"
    log_json: bool = True
    db_pool_size: int = 16
    # Group commit: seconds the store's writer waits to gather concurrent appends (see bench/appends.py).
    append_batch_window: float = 0.0
    # Seconds the relay waits after a commit's NOTIFY so that the next commits share a produce request.
    relay_linger: float = 0.002
    consistency_wait_ms: int = 2000  # bounded wait for a query that carries a token
    # Commands in flight in one API process past which a command is answered RESOURCE_EXHAUSTED
    # at once (shared.grpc.admission); 0: no bound.
    max_in_flight: int = 128
    # Milliseconds the API's event loop may run late before commands are refused as well: a
    # busy loop takes new calls from grpc late, and they queue out of the in-flight count's sight.
    max_loop_lag_ms: float = 20.0
    kafka: KafkaClientProfile = Field(default_factory=KafkaClientProfile)

    @property
    def events_topic(self) -> str:
        return events_topic(self.service_name)

    @property
    def dlq_topic(self) -> str:
        return dlq_topic(self.service_name)
