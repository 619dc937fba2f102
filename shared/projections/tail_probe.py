"""The envelope position of the last record in a partition, read with one long-lived consumer.

The runner asks this only when its consumer stands idle at the log end (see
``ProjectionRunner._watch_log_ends``), so the consumer stays paused the rest of the time: a
paused partition is never fetched, so it costs no CPU while idle.

``end`` must be the true end: the main consumer's fetch-response highwater. tansu's
ListOffsets answers the first offset of the last record batch, so it is no use here; and
the records are read forward until a fetch comes back empty in case the log grew meanwhile.
"""
from __future__ import annotations

import json
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.kafka import consumer
from shared.settings import KafkaClientProfile

log = logging.getLogger(__name__)

MAX_FETCHES = 20  # a log growing this fast is not idle: give up, the runner looks again later


class TailProbe:
    def __init__(self, bootstrap: str, profile: KafkaClientProfile | None = None) -> None:
        self.bootstrap = bootstrap
        self.profile = profile
        self.reads = 0
        self._consumer: AIOKafkaConsumer | None = None

    async def last_position(self, topic: str, partition: int, end: int, timeout: float = 5.0) -> int | None:
        """Position of the record at ``end - 1`` or later; 0 if none holds one; None: no answer."""
        if end <= 0:
            return 0
        probe = await self._started()
        tp = TopicPartition(topic, partition)
        if tp not in probe.assignment():
            probe.assign(sorted(probe.assignment() | {tp}))
            probe.pause(*probe.assignment())
        probe.seek(tp, end - 1)  # before resuming: never fetch from a reset position
        probe.resume(tp)
        self.reads += 1
        try:
            last: int | None = None
            wait_ms = int(timeout * 1000)  # the first fetch may wait for a (re)connection
            for _ in range(MAX_FETCHES):
                records = (await probe.getmany(tp, timeout_ms=wait_ms)).get(tp, [])
                if not records:
                    return last
                last = max([last or 0] + [_position(r.value) for r in records])
                wait_ms = 50
            return None
        finally:
            probe.pause(tp)

    async def stop(self) -> None:
        if self._consumer is not None:
            consumer_, self._consumer = self._consumer, None
            await consumer_.stop()

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            probe = consumer(self.bootstrap, group_id=None, profile=self.profile)
            await probe.start()
            self._consumer = probe
        return self._consumer


def _position(value: bytes | None) -> int:
    try:
        position = json.loads(value or b"")["position"]
        return position if isinstance(position, int) else 0
    except (ValueError, KeyError, TypeError):
        return 0  # not an envelope: it holds no position
