"""What a topic's log really ends with: the envelope position of its last records.

tansu keeps nothing across a restart, and a real broker can lose an unreplicated tail, so
neither the relay nor a projection trusts its own bookkeeping alone: they ask the log.
- The relay asks whether the broker still holds what it acknowledged (``enough``): the
  answer is yes as soon as one record at or past it is seen.
- The projection runner asks for the last record's position when its consumer stands idle
  at the log end.

One long-lived consumer serves every question, paused between them: a paused partition is
never fetched, so an idle probe costs nothing. Reads are bounded: a log that grows while it
is read (a busy service) is never chased to its end; a fresh probe per question, reading
until a fetch came back empty, did exactly that and fetched ~150 times a second under load.

tansu's ListOffsets answers the base offset of the last record batch, not the end, so an
end offset from it is only a place to start reading from.
"""
from __future__ import annotations

import contextlib
import json

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.kafka import consumer, fetches_until_empty
from shared.settings import KafkaClientProfile

TAIL = 100  # records read back from an end hint: enough to see past duplicates or garbage
MAX_FETCHES = 20  # a log growing this fast is not idle: give up, ask again later


class LogTail:
    def __init__(self, bootstrap: str, profile: KafkaClientProfile | None = None) -> None:
        self.bootstrap = bootstrap
        self.profile = profile
        self._consumer: AIOKafkaConsumer | None = None

    async def last_position(self, topic: str, partition: int = 0, from_offset: int | None = None, *,
                            enough: int | None = None, timeout: float = 5.0) -> int | None:
        """Highest envelope position from ``from_offset`` on (default: the last ~TAIL records).

        0 if the log holds no position there (an empty log included); None if it kept growing for MAX_FETCHES
        fetches. With ``enough``, returns as soon as a position >= ``enough`` is seen.
        """
        probe = await self._started()
        tp = TopicPartition(topic, partition)
        try:
            if tp not in probe.assignment():
                probe.assign(sorted(probe.assignment() | {tp}))
                probe.pause(*probe.assignment())
            if from_offset is None:
                hint = (await probe.end_offsets([tp]))[tp]
                from_offset = max(0, hint - TAIL)
                if hint == 0:
                    timeout = min(timeout, 0.3)  # most likely empty: getmany waits this long to say so
            probe.seek(tp, from_offset)  # before resuming: never fetch from a reset position
            probe.resume(tp)
            best = 0
            fetches = 0
            async for records in fetches_until_empty(probe, tp, first_wait_ms=int(timeout * 1000), then_wait_ms=50):
                best = max([best] + [_position(r.value) for r in records])
                if enough is not None and best >= enough:
                    return best
                fetches += 1
                if fetches == MAX_FETCHES:
                    return None
            return best
        except BaseException:
            await self.stop()  # a broker that went away: start afresh next time
            raise
        finally:
            if self._consumer is not None and tp in probe.assignment():
                probe.pause(tp)

    async def position_at(self, topic: str, offset: int, partition: int = 0, *, timeout: float = 5.0) -> int:
        """The envelope position of the record at ``offset`` (0 if there is none, or it is not an envelope)."""
        probe = await self._started()
        tp = TopicPartition(topic, partition)
        try:
            if tp not in probe.assignment():
                probe.assign(sorted(probe.assignment() | {tp}))
                probe.pause(*probe.assignment())
            probe.seek(tp, offset)
            probe.resume(tp)
            records = (await probe.getmany(tp, timeout_ms=int(timeout * 1000), max_records=1)).get(tp, [])
            return _position(records[0].value) if records and records[0].offset == offset else 0
        except BaseException:
            await self.stop()
            raise
        finally:
            if self._consumer is not None and tp in probe.assignment():
                probe.pause(tp)

    async def stop(self) -> None:
        if self._consumer is not None:
            probe, self._consumer = self._consumer, None
            with contextlib.suppress(Exception):
                await probe.stop()

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
        return 0  # not an envelope (garbage someone else produced): it holds no position
