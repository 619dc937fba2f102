"""What the broker actually holds: the highest envelope position among a topic's last records.

tansu keeps nothing across a restart, and a real broker can lose an unreplicated tail, so
the relay never trusts its own checkpoint alone: it asks the topic.
"""
from __future__ import annotations

import json

from aiokafka import TopicPartition

from shared.kafka import consumer
from shared.settings import KafkaClientProfile

TAIL = 100  # records read back: enough to see past a few duplicates or garbage at the end


async def last_position(bootstrap: str, topic: str, profile: KafkaClientProfile | None = None,
                        timeout: float = 5.0) -> int:
    """Highest ``position`` in the topic's last ~TAIL records; 0 if the topic is empty.

    tansu's ListOffsets answers the base offset of the last record batch, not the end, so
    the end offset is only a hint: read forward until a fetch comes back empty.
    """
    tp = TopicPartition(topic, 0)
    probe = consumer(bootstrap, group_id=None, profile=profile)
    await probe.start()
    try:
        probe.assign([tp])
        hint = (await probe.end_offsets([tp]))[tp]
        probe.seek(tp, max(0, hint - TAIL))
        best = 0
        # The first fetch may wait for a connection; later ones only prove there is no more.
        wait_ms = int(timeout * 1000) if hint > 0 else 300
        while True:
            batch = await probe.getmany(tp, timeout_ms=wait_ms, max_records=10 * TAIL)
            records = batch.get(tp, [])
            if not records:
                return best
            for record in records:
                best = max(best, _position(record.value))
            wait_ms = 100
    finally:
        await probe.stop()


def _position(value: bytes | None) -> int:
    try:
        position = json.loads(value or b"")["position"]
        return position if isinstance(position, int) else 0
    except (ValueError, KeyError, TypeError):
        return 0  # garbage someone else produced: it holds no position
