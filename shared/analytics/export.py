"""Export a service's event store (Postgres: positions and recording time are exact there) or
its topic (as published; tansu cannot look offsets up by time, so filters apply in memory)."""
from __future__ import annotations

import sys
import time

import asyncpg
from aiokafka import TopicPartition

from shared.analytics.filters import EventFilter
from shared.analytics.writers import Writer
from shared.events.codec import decode_value
from shared.events.registry import EventDecodeError
from shared.eventstore.decode import ENVELOPE_COLUMNS, envelopes_from_rows
from shared.kafka import consumer, fetches_until_empty, partitions_of

PAGE = 5000


async def export_store(dsn: str, producer: str, selection: EventFilter, writer: Writer, page: int = PAGE) -> int:
    """Every matching event in position order, from one repeatable-read snapshot."""
    where, args = selection.where(first_parameter=3)
    sql = f"SELECT {ENVELOPE_COLUMNS} FROM events WHERE position > $1 AND {where} ORDER BY position LIMIT $2"
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            after = 0
            while rows := await conn.fetch(sql, after, page, *args):
                writer.write(envelopes_from_rows(rows, producer))
                after = rows[-1][0]
    finally:
        await conn.close()
    return writer.count


async def export_topic(bootstrap: str, topic: str, selection: EventFilter, writer: Writer,
                       page: int = PAGE) -> int:
    """Every partition from its beginning to its end when the export started.

    tansu reports as end offset the first offset of its last record batch, so the end is the
    first empty fetch; records produced after the start (offset past the end reported then and
    a later timestamp) are left out, so a busy topic still ends.
    """
    started_ms = int(time.time() * 1000)
    reader = consumer(bootstrap, group_id=None, max_partition_fetch_bytes=8 * 1024 * 1024)
    await reader.start()
    undecodable = 0
    try:
        partitions = await partitions_of(reader, topic)
        if not partitions:
            raise SystemExit(f"no topic {topic!r} at {bootstrap}")
        tps = [TopicPartition(topic, p) for p in partitions]
        reader.assign(tps)
        await reader.seek_to_beginning(*tps)
        ends = await reader.end_offsets(tps)
        for tp in tps:
            async for records in fetches_until_empty(reader, tp, max_records=page, then_wait_ms=500):
                kept = []
                done = False
                for record in records:
                    if record.offset >= ends[tp] and record.timestamp > started_ms:
                        done = True
                        break
                    try:
                        envelope = decode_value(record.value)
                    except EventDecodeError:
                        undecodable += 1
                        continue
                    if selection.matches(envelope):
                        kept.append(envelope)
                writer.write(kept)
                if done:
                    break
    finally:
        await reader.stop()
    if undecodable:
        print(f"{undecodable} undecodable records skipped", file=sys.stderr)
    return writer.count
