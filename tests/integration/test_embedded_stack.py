"""The embedded stack answers on loopback: Postgres over TCP and the unix socket, the broker (tansu or
Apache Kafka) over the Kafka protocol."""
from __future__ import annotations

import asyncpg

from shared import kafka
from shared.stack.stack import SERVICES, Stack, database_name
from tests.conftest import unique_topic


async def test_every_service_has_its_own_database(postgres_stack: Stack) -> None:
    stack = postgres_stack
    for service in SERVICES:
        conn = await asyncpg.connect(stack.postgres_dsn(service))
        try:
            assert await conn.fetchval("SELECT current_database()") == database_name(service)
        finally:
            await conn.close()


async def test_postgres_answers_on_its_unix_socket(postgres_stack: Stack) -> None:
    stack = postgres_stack
    if stack.postgres is None:  # external server named by POSTGRES_DSN
        return
    conn = await asyncpg.connect(host=str(stack.postgres.socket_dir), port=stack.postgres.port,
                                 user="postgres", database="postgres")
    try:
        assert await conn.fetchval("SELECT 1") == 1
    finally:
        await conn.close()


async def test_broker_round_trips_a_message_with_the_client_profile(kafka_bootstrap: str) -> None:
    topic = unique_topic()
    await kafka.ensure_topics(kafka_bootstrap, [topic])
    producer = kafka.producer(kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k", headers=[("type", b"greeting")])
    finally:
        await producer.stop()
    consumer = kafka.consumer(kafka_bootstrap, topic, group_id=None)
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=5000)
        records = [r for batch in batches.values() for r in batch]
        assert [(r.key, r.value, dict(r.headers)["type"]) for r in records] == [(b"k", b"hello", b"greeting")]
    finally:
        await consumer.stop()
