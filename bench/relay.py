"""Relay events/s (store -> Kafka) against raw aiokafka produce of the same records, same run.

Fills ``events`` with BENCH_RELAY_EVENTS (default 200k) ~300-byte events, then measures
- baseline A: aiokafka ``send()`` of the prepared records (shared.kafka profile, 128 KiB
  batches), awaiting the futures per 5000;
- baseline B: aiokafka's batch API with the relay's 1 MB batches;
- the Relay from an empty checkpoint until the broker acknowledged the last position.
Postgres and tansu are embedded under .lab27/bench-<pid> unless POSTGRES_DSN /
KAFKA_BOOTSTRAP_SERVERS are set.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid

import asyncpg

from bench._postgres import bench_broker, bench_database
from shared.eventstore.schema import setup_schema
from shared.kafka import ensure_topics, producer
from shared.relay import Relay
from shared.relay.outbox import OutgoingRecord, read_after
from shared.relay.relay import MAX_BATCH_BYTES

EVENTS = int(os.environ.get("BENCH_RELAY_EVENTS", "200000"))

FILL = """
INSERT INTO events (position, event_id, stream_id, stream_type, version, type, data, occurred_at,
                    correlation_id)
SELECT nextval('events_position_seq'), gen_random_uuid(), 'acct-' || (g % 10000), 'account', g / 10000 + 1,
       'Deposited', jsonb_build_object('amount', g % 100, 'memo', repeat('m', 160)), now(),
       'corr-' || g
FROM generate_series(0, $1 - 1) AS g
"""


async def produce_with_send(bootstrap: str, records: list[OutgoingRecord]) -> float:
    topic = f"bench.send.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic])
    client = producer(bootstrap)
    await client.start()
    try:
        started = time.perf_counter()
        for i in range(0, len(records), 5000):
            futures = [await client.send(topic, r.value, r.key, partition=0, headers=r.headers)
                       for r in records[i:i + 5000]]
            await asyncio.gather(*futures)
        return len(records) / (time.perf_counter() - started)
    finally:
        await client.stop()


async def produce_with_batches(bootstrap: str, records: list[OutgoingRecord]) -> float:
    topic = f"bench.batch.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic])
    client = producer(bootstrap, max_batch_size=MAX_BATCH_BYTES)
    await client.start()
    try:
        started = time.perf_counter()
        futures = []
        batch = client.create_batch()
        for r in records:
            if batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers) is None:
                futures.append(await client.send_batch(batch, topic, partition=0))
                batch = client.create_batch()
                batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers)
        futures.append(await client.send_batch(batch, topic, partition=0))
        await asyncio.gather(*futures)
        return len(records) / (time.perf_counter() - started)
    finally:
        await client.stop()


async def main() -> None:
    async with bench_database() as dsn, bench_broker() as bootstrap:
        conn = await asyncpg.connect(dsn)
        try:
            await setup_schema(conn)
            await conn.execute(FILL, EVENTS)
            await conn.execute("ANALYZE events")
            records: list[OutgoingRecord] = []
            while page := await read_after(conn, records[-1].position if records else 0, 20000, "bench"):
                records += page
        finally:
            await conn.close()
        size = sum(len(r.value) for r in records) / len(records)
        print(f"{len(records)} events, {size:.0f}-byte values")
        send_rate = await produce_with_send(bootstrap, records)
        print(f"baseline aiokafka send() of the same records:        {send_rate:>9,.0f} events/s")
        batch_rate = await produce_with_batches(bootstrap, records)
        print(f"baseline aiokafka batch API, 1 MB batches:            {batch_rate:>9,.0f} events/s")
        service = f"bench{uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        async with Relay(dsn, bootstrap, service) as relay:
            await relay.wait_published(records[-1].position, timeout=600)
            elapsed = time.perf_counter() - started
        rate = len(records) / elapsed
        print(f"relay store -> Kafka (read, build, produce, checkpoint): {rate:>6,.0f} events/s "
              f"({rate / send_rate:.2f}x send(), {rate / batch_rate:.2f}x batch API; goal 50,000)")
