"""The launcher uses real servers when the settings name them, and embeds otherwise."""
from __future__ import annotations

from pathlib import Path

import pytest

from shared.db import with_database
from shared.stack.stack import Stack


def test_named_servers_replace_the_embedded_ones(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POSTGRES_DSN", "postgresql://lab27:secret@db.internal:5432/lab27")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    stack = Stack.from_env(tmp_path).start()  # starts nothing: both are external
    assert stack.postgres is None and stack.broker is None
    assert stack.postgres_dsn("funding") == "postgresql://lab27:secret@db.internal:5432/lab27_funding"
    env = stack.service_env("funding", 50053)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092" and env["GRPC_PORT"] == "50053"
    assert not any(tmp_path.iterdir())


def test_without_settings_both_are_embedded(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POSTGRES_DSN", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    stack = Stack.from_env(tmp_path)
    assert stack.external_postgres_dsn is None and stack.external_kafka is None


def test_a_dsn_names_another_database_keeping_host_user_and_options() -> None:
    assert with_database("postgresql://postgres@127.0.0.1:5432/lab27", "x") == "postgresql://postgres@127.0.0.1:5432/x"
    assert with_database("postgresql://u:p@db/lab27?sslmode=require", "x") == "postgresql://u:p@db/x?sslmode=require"


def test_the_embedded_broker_is_tansu_unless_lab27_broker_names_kafka(monkeypatch, tmp_path: Path) -> None:
    from shared.stack.broker import EmbeddedBroker
    from shared.stack.kafka import KafkaBroker
    from shared.stack.stack import BROKER_ENV, embedded_broker

    monkeypatch.delenv(BROKER_ENV, raising=False)
    assert Stack.from_env(tmp_path).broker_kind == "tansu"
    monkeypatch.setenv(BROKER_ENV, "kafka")
    assert Stack.from_env(tmp_path).broker_kind == "kafka"
    assert isinstance(embedded_broker("kafka", tmp_path), KafkaBroker)
    assert isinstance(embedded_broker("tansu", tmp_path), EmbeddedBroker)
    assert (KafkaBroker.keeps_data, EmbeddedBroker.keeps_data) == (True, False)
    monkeypatch.setenv(BROKER_ENV, "redpanda")
    with pytest.raises(ValueError, match="redpanda"):
        Stack.from_env(tmp_path)


def test_the_kafka_broker_is_configured_as_compose_runs_it(tmp_path: Path) -> None:
    """Single node KRaft, unlimited retention, no auto-created topics, no initial rebalance delay."""
    from shared.stack.kafka import KafkaBroker

    props = KafkaBroker(tmp_path, port=19092, controller_port=19093).properties()
    assert props["process.roles"] == "broker,controller"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert (props["log.retention.ms"], props["log.retention.bytes"]) == ("-1", "-1")
    assert props["auto.create.topics.enable"] == "false"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["offsets.topic.replication.factor"] == props["transaction.state.log.replication.factor"] == "1"


def test_kafka_cluster_ids_never_start_with_a_dash(monkeypatch) -> None:
    """StorageTool's parser takes "-t -abc…" for two options: such an id failed one format in 64."""
    import uuid

    from shared.stack import kafka

    dash_first = uuid.UUID(bytes=b"\xfb" + bytes(15))  # url-safe base64 of 0xfb… starts with "-"
    ids = iter([dash_first, dash_first, uuid.UUID(int=1)])
    monkeypatch.setattr(kafka.uuid, "uuid4", lambda: next(ids))
    cluster_id = kafka._cluster_id()
    assert not cluster_id.startswith("-")
    assert len(cluster_id) == 22
    assert next(ids, None) is None  # both dash-first ids were drawn and skipped
