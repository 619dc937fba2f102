"""Poison messages -> ``lab27.<service>.dlq``: the original record plus why it failed."""
from __future__ import annotations

import logging

from aiokafka import AIOKafkaProducer

from shared.kafka import ensure_topics, producer
from shared.projections.messages import Incoming
from shared.settings import KafkaClientProfile, dlq_topic

log = logging.getLogger(__name__)


class DeadLetters:
    def __init__(self, bootstrap: str, service: str, profile: KafkaClientProfile | None = None) -> None:
        self.bootstrap = bootstrap
        self.topic = dlq_topic(service)
        self.profile = profile
        self.count = 0
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        await ensure_topics(self.bootstrap, [self.topic])
        self._producer = producer(self.bootstrap, self.profile)
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def send(self, projection: str, message: Incoming, error: BaseException) -> None:
        """Publish and wait for the ack: the caller advances its checkpoint only afterwards."""
        assert self._producer is not None, "DeadLetters not started"
        headers = [h for h in message.headers if h[0] not in _OWN_HEADERS] + [
            ("error", str(error)[:2000].encode()),
            ("error_type", type(error).__name__.encode()),
            ("source_topic", message.topic.encode()),
            ("source_offset", str(message.offset).encode()),
            ("projection", projection.encode()),
        ]
        log.error("projection %s: poison message %s@%d -> %s: %s: %s", projection, message.topic,
                  message.offset, self.topic, type(error).__name__, error)
        await self._producer.send_and_wait(self.topic, message.value, message.key, partition=0,
                                           headers=headers)
        self.count += 1


_OWN_HEADERS = frozenset({"error", "error_type", "source_topic", "source_offset", "projection"})
