"""LogTail against the real broker: right answers, bounded reads, no fetching when idle."""
from __future__ import annotations

import asyncio
import collections
import json
import time

import pytest
from aiokafka.consumer import fetcher

from shared.kafka import ensure_topics, producer
from shared.log_tail import MAX_FETCHES, LogTail
from tests.conftest import unique_topic

pytestmark = pytest.mark.integration


def envelope(position: int) -> bytes:
    return json.dumps({"position": position, "type": "Noted"}).encode()


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> collections.Counter:
    """Fetch requests sent by every consumer in this process (counted, then really sent):
    "fetch" every one, "records" those answered with records."""
    counts: collections.Counter = collections.Counter()
    original = fetcher.Fetcher._proc_fetch_request
    original_records = fetcher.PartitionRecords.__init__

    def counting(self, assignment, node_id, request):
        counts["fetch"] += 1
        return original(self, assignment, node_id, request)

    def counting_records(self, *args, **kwargs):  # made for a partition's non-empty answer only
        counts["records"] += 1
        original_records(self, *args, **kwargs)

    monkeypatch.setattr(fetcher.Fetcher, "_proc_fetch_request", counting)
    monkeypatch.setattr(fetcher.PartitionRecords, "__init__", counting_records)
    return counts


async def test_an_empty_topic_answers_zero_at_once(kafka_bootstrap: str) -> None:
    topic = unique_topic()
    await ensure_topics(kafka_bootstrap, [topic])
    tail = LogTail(kafka_bootstrap)
    try:
        started = time.monotonic()
        assert await tail.last_position(topic) == 0
        assert time.monotonic() - started < 2.0
    finally:
        await tail.stop()


async def test_the_last_position_skips_garbage_and_reads_from_an_offset(kafka_bootstrap: str) -> None:
    topic = unique_topic()
    await ensure_topics(kafka_bootstrap, [topic])
    sender = producer(kafka_bootstrap)
    await sender.start()
    tail = LogTail(kafka_bootstrap)
    try:
        for position in range(1, 41):
            await sender.send(topic, envelope(position), partition=0)
        await sender.send_and_wait(topic, b"not json", partition=0)  # garbage holds no position
        assert await tail.last_position(topic) == 40
        assert await tail.last_position(topic, 0, from_offset=39) == 40  # offset 39 holds position 40
        assert await tail.last_position(topic, 0, from_offset=40) == 0  # only the garbage left
    finally:
        await tail.stop()
        await sender.stop()


async def test_a_growing_log_is_not_chased_and_an_idle_probe_does_not_fetch(
        kafka_bootstrap: str, fetches: collections.Counter) -> None:
    topic = unique_topic()
    await ensure_topics(kafka_bootstrap, [topic])
    sender = producer(kafka_bootstrap)
    await sender.start()
    tail = LogTail(kafka_bootstrap)
    written = 0

    async def keep_writing() -> None:  # ~1k records/s, as a busy service's relay would
        nonlocal written
        while True:
            written += 1
            await sender.send_and_wait(topic, envelope(written), partition=0)
            await asyncio.sleep(0.001)

    writer = asyncio.create_task(keep_writing())
    try:
        while written < 50:
            await asyncio.sleep(0.01)
        # The relay's question: does the log hold position 10? Answered by the first records.
        before = fetches["fetch"]
        assert await tail.last_position(topic, 0, from_offset=0, enough=10) >= 10
        assert fetches["fetch"] - before <= 2
        # Without `enough`, a log that keeps growing is read a bounded number of times.
        before, before_records = fetches["fetch"], fetches["records"]
        answer = await asyncio.wait_for(tail.last_position(topic, 0, from_offset=0), 10)
        assert answer is None or answer >= 50
        assert fetches["records"] - before_records <= MAX_FETCHES + 1
        # Apache Kafka answers a fetch as soon as a record is there (tansu at its max wait), so
        # between two records some fetches come back empty: they cost, but never a chase
        # (~150 fetches a second before the bound).
        assert fetches["fetch"] - before <= 2 * (MAX_FETCHES + 1)
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
    try:
        before = fetches["fetch"]
        await asyncio.sleep(1.0)
        assert fetches["fetch"] - before <= 1  # paused between questions: at most an in-flight fetch
        assert await tail.last_position(topic) == written  # and it still answers afterwards
    finally:
        await tail.stop()
        await sender.stop()
