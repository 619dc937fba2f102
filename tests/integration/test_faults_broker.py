"""Faults between store, broker and read model: broker restart, duplicates, poison.

Every check counts what was lost or doubled; both must be 0.
"""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiokafka import TopicPartition

from shared.events.codec import header, to_kafka
from shared.kafka import consumer, ensure_topics, producer
from shared.projections import ProjectionRunner, dlq_topic
from shared.relay import Relay, events_topic
from shared.stack.stack import Stack
from tests.integration.test_relay_projection import (
    Deposited,
    Exploded,
    deposit_many,
    event,
    ledger,
    new_service,
    open_store,
    read_model,
)

pytestmark = pytest.mark.integration


async def read_all_records(bootstrap: str, topic: str, expect: int, timeout: float = 20,
                           until: set[int] | None = None) -> list:
    """The topic's records from offset 0, until ``expect`` of them (and, with ``until``, every
    one of those envelope positions) were read, or ``timeout``."""
    tp = TopicPartition(topic, 0)
    reader = consumer(bootstrap, group_id=None)
    await reader.start()
    try:
        reader.assign([tp])
        reader.seek(tp, 0)
        records: list = []
        missing = set(until or ())
        deadline = time.monotonic() + timeout
        while (len(records) < expect or missing) and time.monotonic() < deadline:
            batch = (await reader.getmany(tp, timeout_ms=500)).get(tp, [])
            records += batch
            if missing:
                missing -= {json.loads(r.value).get("position") for r in batch}
        return records
    finally:
        await reader.stop()


async def produce(bootstrap: str, topic: str, envelopes: list) -> None:
    send = producer(bootstrap)
    await send.start()
    try:
        for envelope in envelopes:
            key, value, headers = to_kafka(envelope)
            await send.send(topic, value, key, partition=0, headers=headers)
        await send.flush()
    finally:
        await send.stop()


async def commit_offset(bootstrap: str, group_id: str, topic: str, offset: int) -> None:
    """Commits ``offset`` on partition 0 of ``topic`` for consumer group ``group_id``."""
    tp = TopicPartition(topic, 0)
    committer = consumer(bootstrap, group_id=group_id)
    await committer.start()
    try:
        committer.assign([tp])
        await committer.commit({tp: offset})
    finally:
        await committer.stop()


@pytest.mark.parametrize("fault", ["restart", "wipe"])
async def test_broker_restart_loses_nothing_and_doubles_nothing(stack: Stack, fresh_dsn: str, fault: str) -> None:
    """The broker goes down under a running relay and projection, and comes back:
    - restart: tansu comes back empty (memory only); Apache Kafka with its log kept;
    - wipe: it comes back on an empty log (Apache Kafka's log directory deleted and formatted
      anew), so the relay must notice that the topic is behind and republish.
    Either way the read model ends with every event exactly once."""
    if stack.broker is None:
        pytest.skip("external Kafka: cannot restart it")
    broker = stack.broker
    bootstrap = stack.kafka_bootstrap_servers
    service = new_service()
    store = await open_store(fresh_dsn, service)
    runner = ProjectionRunner(service, [ledger(service)], bootstrap=bootstrap, dsn=fresh_dsn)
    topic = events_topic(service)
    loses_data = fault == "wipe" or not broker.keeps_data
    try:
        async with Relay(fresh_dsn, bootstrap, service, check_interval=0.5) as relay, runner:
            before = await deposit_many(store, 200)
            await runner.waiter("ledger").wait_for(topic, before, timeout=20)

            await asyncio.to_thread(broker.wipe if fault == "wipe" else broker.restart)
            if loses_data:  # every topic and offset is gone
                await ensure_topics(bootstrap, [topic, dlq_topic(service)])
            after = await deposit_many(store, 200)
            await runner.waiter("ledger").wait_for(topic, after, timeout=45)

            # It noticed the lost log and republished; a broker that kept its log is not
            # republished to.
            assert relay.rewinds >= 1 if loses_data else relay.rewinds == 0
            assert await read_model(fresh_dsn) == {"total": 400, "deposits": 400, "applications": 400,
                                                    "distinct_positions": 400}
            # The topic is history: it holds every position again, from the first.
            records = await read_all_records(bootstrap, topic, expect=400, until=set(range(1, 401)))
            assert {json.loads(r.value)["position"] for r in records} == set(range(1, 401))
            if not loses_data:  # nothing was sent twice either
                assert len(await read_all_records(bootstrap, topic, expect=401, timeout=3)) == 400
    finally:
        await store.close()


async def test_every_event_delivered_twice_is_applied_once(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    topic = events_topic(service)
    await ensure_topics(kafka_bootstrap, [topic])
    try:
        last = await deposit_many(store, 150)
        envelopes = await store.read_all(0, 1000)
        # each twice in a row, then the whole history again
        await produce(kafka_bootstrap, topic, [e for e in envelopes for _ in range(2)] + envelopes)
        async with ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            await runner.waiter("ledger").wait_for(topic, last, timeout=20)
            await asyncio.sleep(0.3)  # the third copies are consumed too
        assert await read_model(fresh_dsn) == {"total": 150, "deposits": 150, "applications": 150,
                                                "distinct_positions": 150}
    finally:
        await store.close()


async def test_poison_messages_go_to_the_dlq_and_the_next_event_applies(fresh_dsn: str, kafka_bootstrap: str) -> None:
    service = new_service()
    store = await open_store(fresh_dsn, service)
    topic = events_topic(service)
    try:
        async with Relay(fresh_dsn, kafka_bootstrap, service) as relay, \
                ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn) as runner:
            await deposit_many(store, 5)
            await store.append("acct-bad", "account", None, [event(Exploded, reason="boom")])
            unknown = await store.append("acct-0", "account", None,
                                         [event(Deposited, amount=1).model_copy(update={"type": "Vanished"})])
            await relay.wait_published(unknown.position)
            send = producer(kafka_bootstrap)
            await send.start()
            await send.send_and_wait(topic, b"\x00not json", b"acct-0", partition=0)
            await send.stop()
            good = await store.append("acct-0", "account", None, [event(Deposited, amount=7)])
            await runner.waiter("ledger").wait_for(topic, good.position, timeout=20)

            assert await read_model(fresh_dsn) == {"total": 12, "deposits": 6, "applications": 6,
                                                    "distinct_positions": 6}
            dead = await read_all_records(kafka_bootstrap, dlq_topic(service), expect=3)
            kinds = sorted(header(list(r.headers), "error_type") for r in dead)
            assert kinds == ["EventDecodeError", "RuntimeError", "UnknownEventType"]
            for record in dead:
                headers = list(record.headers)
                assert header(headers, "source_topic") == topic
                assert header(headers, "source_offset").isdigit()
                assert header(headers, "error")
            assert any(r.value == b"\x00not json" for r in dead)
            assert runner.dead_letters.count == 3
    finally:
        await store.close()


async def test_a_consumer_past_the_start_of_a_republished_log_rewinds(fresh_dsn: str, kafka_bootstrap: str) -> None:
    """The race a broker restart opens: the relay republished past the consumer's old offset.

    Simulated by committing the runner's group offset at 5 before it ever ran: it starts at
    position 6, whose ``prev_position`` header (5) is above its checkpoint (0), so it must
    seek back and apply 1..5 first rather than skip them.
    """
    service = new_service()
    store = await open_store(fresh_dsn, service)
    topic = events_topic(service)
    runner = ProjectionRunner(service, [ledger(service)], bootstrap=kafka_bootstrap, dsn=fresh_dsn)
    try:
        last = await deposit_many(store, 10)
        async with Relay(fresh_dsn, kafka_bootstrap, service) as relay:
            await relay.wait_published(last)
        await commit_offset(kafka_bootstrap, runner.app_id, topic, 5)
        async with runner:
            await runner.waiter("ledger").wait_for(topic, last, timeout=20)
        assert await read_model(fresh_dsn) == {"total": 10, "deposits": 10, "applications": 10,
                                                "distinct_positions": 10}
    finally:
        await store.close()


async def test_a_consumer_left_at_the_end_of_a_republished_log_applies_its_last_record(
        private_broker, fresh_dsn: str) -> None:
    """The broker restarted; the consumer's offset from the old log equals the new log's end.

    Old log: positions 1..N at offsets 0..N-1, all applied, consumer at offset N. After the
    restart the relay republished N-1 of them plus one new event, so the new log also ends at
    N, and faust committed its old offset N to the new broker (done here by hand, which is
    what makes this deterministic). The consumer starts idle at the end: nothing tells it
    that offset N-1 of the new log (position N+1) was never applied. (On Apache Kafka the
    loss is a wipe of its log directory.)
    """
    broker = private_broker()
    bootstrap = broker.bootstrap_servers
    service = new_service()
    store = await open_store(fresh_dsn, service)
    topic = events_topic(service)
    n = 30
    try:
        await deposit_many(store, n + 1)
        envelopes = await store.read_all(0, 1000)
        assert [e.position for e in envelopes] == list(range(1, n + 2))
        await ensure_topics(bootstrap, [topic, dlq_topic(service)])
        await produce(bootstrap, topic, envelopes[:n])
        runner = ProjectionRunner(service, [ledger(service)], bootstrap=bootstrap, dsn=fresh_dsn,
                                  end_check_interval=0.3)
        async with runner:
            await runner.waiter("ledger").wait_for(topic, n, timeout=20)

        await asyncio.to_thread(broker.wipe)
        await ensure_topics(bootstrap, [topic, dlq_topic(service)])
        await produce(bootstrap, topic, envelopes[:n - 1] + envelopes[n:])  # offsets 0..N-1
        await commit_offset(bootstrap, runner.app_id, topic, n)

        runner = ProjectionRunner(service, [ledger(service)], bootstrap=bootstrap, dsn=fresh_dsn,
                                  end_check_interval=0.3)
        async with runner:
            started = time.monotonic()
            await runner.waiter("ledger").wait_for(topic, n + 1, timeout=5)
            took = time.monotonic() - started
            assert runner.end_rewinds == 1
        print(f"stuck at the log end: applied {took:.2f}s after start (checks every 0.3 s)")
        assert await read_model(fresh_dsn) == {"total": n + 1, "deposits": n + 1, "applications": n + 1,
                                                "distinct_positions": n + 1}
    finally:
        await store.close()
