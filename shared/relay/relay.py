"""Store -> Kafka: at-least-once, in position order, one partition.

Loop: publish everything after the checkpoint in batches (send without awaiting each
record, then await the batch's acks), advance the checkpoint, sleep until NOTIFY
lab27_events or the poll interval. It asks the topic what it really holds, and rewinds the
checkpoint if the broker is behind: before publishing at start and after any error, and
every ``check_interval`` in a background task while publishing goes on (the check waits on
fetches for several ms: done inline, it put that in the lag's p99). The check reads the log's
tail with one long-lived, otherwise paused consumer (shared.log_tail) and stops at the first
record at or past the acknowledged position.

The tail check alone misses a log that was replaced while the relay kept publishing: Apache
Kafka's log directory wiped under a running relay, whose producer retries through the outage
instead of failing (tansu's restart breaks the connection, which triggers a check first). The
new log's tail then holds the positions published since, at or past the checkpoint, and the
history before them is gone. The produce acks tell: each batch's offset follows the one
before; an ack whose offset is lower means the log was cut back to that offset, so the relay
republishes from the position the log still holds just before it.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.eventstore.schema import NOTIFY_CHANNEL
from shared.kafka import ensure_topics, producer
from shared.log_tail import LogTail
from shared.relay import checkpoint
from shared.relay.outbox import OutgoingRecord, read_after
from shared.settings import KafkaClientProfile, events_topic
from shared.waiting import event_set_within

log = logging.getLogger(__name__)

MAX_BATCH_BYTES = 1_000_000
RELAY_LOCK_CLASS = 27  # advisory lock key space of relays: (27, hashtext(topic))
LEADERSHIP_RETRY = 1.0
CLOSE_TIMEOUT = 5.0  # seconds any one client may take to close


class Relay:
    def __init__(
        self,
        dsn: str,
        bootstrap: str,
        service: str,
        *,
        batch_size: int = 5000,
        poll_interval: float = 1.0,
        check_interval: float = 1.0,
        idle_check_interval: float = 10.0,
        linger: float = 0.002,
        profile: KafkaClientProfile | None = None,
    ) -> None:
        self.dsn = dsn
        self.bootstrap = bootstrap
        self.service = service
        self.topic = events_topic(service)
        self.batch_size = batch_size
        # NOTIFY wakes the relay on every commit; the poll is only a safety net (a notification
        # lost with its connection), so it need not wake an idle process often.
        self.poll_interval = poll_interval
        # The broker check costs a metadata round trip and a fetch: every check_interval while
        # the relay publishes, every idle_check_interval while it has published nothing since
        # the last check (an idle service then wakes for it a few times a minute, not each second).
        self.check_interval = check_interval
        self.idle_check_interval = idle_check_interval
        self._published = False  # something was published since the last check was scheduled
        # Seconds to wait after a NOTIFY before reading, so that the commits of the next
        # moments share one read, one produce request and one checkpoint (Kafka's linger.ms,
        # for the relay). At 250 admissions/s, 2 ms took tansu from 0.28-0.32 to 0.23-0.24
        # cores (4 ms: 0.18); the lag's change was under the noise. 0 publishes at once.
        self.linger = linger
        self.profile = profile or KafkaClientProfile()
        self.position = 0  # last position the broker acknowledged
        self.rewinds = 0
        self._conn: asyncpg.Connection | None = None
        self._listener: asyncpg.Connection | None = None
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._standby_logged = False
        self._task: asyncio.Task | None = None
        self._next_check = 0.0  # 0: verify before publishing (start, after an error)
        self._check: asyncio.Task[int | None] | None = None  # the periodic check, in the background
        self._caught_up = asyncio.Event()
        # Records read ahead when a due check cut a run of batches short: (read after, rows).
        self._ahead: tuple[int, list[OutgoingRecord]] | None = None
        self._tail = LogTail(bootstrap, self.profile)
        self._next_offset: int | None = None  # where our next batch lands if the log is intact

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"relay-{self.service}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._close()

    async def __aenter__(self) -> "Relay":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def wait_published(self, position: int, timeout: float = 10.0) -> None:
        """Until the broker has acknowledged ``position`` (tests, benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout
        while self.position < position:
            if time.monotonic() > deadline:
                raise TimeoutError(f"relay {self.topic} at {self.position}, wanted {position}")
            self._caught_up.clear()
            await event_set_within(self._caught_up, max(0.0, deadline - time.monotonic()))

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            try:
                await self._connect()
                if self._next_check == 0.0:
                    await self._rewind(await self._broker_behind())
                    self._schedule_check()
                elif self._check_due():
                    if self._check is None:
                        self._check = asyncio.create_task(self._broker_behind(), name=f"relay-check-{self.service}")
                        self._check.add_done_callback(lambda _: self._wake.set())
                    else:
                        check, self._check = self._check, None
                        self._schedule_check()
                        await self._rewind(check.result())  # its error is handled like any other
                caught_up = await self._publish_pending()
                backoff = 0.1
                # Caught up: sleep until a NOTIFY (one arriving while we published has
                # already set _wake) rather than read once more to find nothing.
                if caught_up:
                    self._caught_up.set()
                    await self._sleep()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: back off, then verify the topic
                log.warning("relay %s: %s: %s; retrying in %.1fs", self.topic, type(exc).__name__, exc, backoff)
                await self._close()
                self._next_check = 0.0
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def _connect(self) -> None:
        if self._conn is None or self._conn.is_closed():
            # Asynchronous commit for the checkpoint: one lost in a Postgres crash only means
            # republishing a few events, which consumers skip, so no publishing cycle needs
            # to wait for its fsync.
            conn = await asyncpg.connect(self.dsn, server_settings={"synchronous_commit": "off"})
            await self._lead(conn)
            self._conn = conn
            await checkpoint.install(self._conn)
            self.position = await checkpoint.load(self._conn, self.topic)
        if self._listener is None or self._listener.is_closed():
            self._listener = await asyncpg.connect(self.dsn)
            await self._listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
        if self._producer is None:
            await ensure_topics(self.bootstrap, [self.topic])
            # ~1 MB record batches (under Kafka's default 1 MiB message.max.bytes): a backlog is
            # sent in few produce requests; measured 82k events/s vs 56k with 128 KiB.
            self._producer = producer(self.bootstrap, self.profile, max_batch_size=MAX_BATCH_BYTES)
            await self._producer.start()

    @property
    def leading(self) -> bool:
        """True once this relay holds the topic's lock (and so may publish)."""
        return self._conn is not None and not self._conn.is_closed()

    async def _lead(self, conn: asyncpg.Connection) -> None:
        """Wait to be the only relay of this topic (a session lock, freed if we die).

        Two relays would publish the same events twice (harmless to consumers, wasteful),
        e.g. a worker restarting while its predecessor is still draining.
        """
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1, hashtext($2))", RELAY_LOCK_CLASS, self.topic):
            if not self._standby_logged:
                log.info("relay %s: another relay holds the topic; standing by", self.topic)
                self._standby_logged = True
            await asyncio.sleep(LEADERSHIP_RETRY)
        self._standby_logged = False

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _sleep(self) -> None:
        timeout = self.poll_interval
        if self._check is None:  # a running check wakes us when done
            timeout = min(timeout, max(0.0, self._next_check - time.monotonic()))
        if await event_set_within(self._wake, timeout) and self.linger > 0:
            await asyncio.sleep(self.linger)
        self._wake.clear()

    async def _broker_behind(self) -> int | None:
        """The last position the topic holds, if below what the broker had acknowledged."""
        # tansu lost it: recreate before reading. A fresh admin client each time, on purpose:
        # while the broker is down it fails at once, and that error restarts the check on new
        # clients; a metadata call on the tail probe's long-lived connection waits out the
        # outage instead, and the check then sees the new log only after it has grown.
        await ensure_topics(self.bootstrap, [self.topic])
        acknowledged = self.position  # before reading: positions acked later may not be in the tail
        if acknowledged == 0:
            return None  # nothing published yet: nothing the broker could have lost
        held = await self._tail.last_position(self.topic, enough=acknowledged)
        return held if held is not None and held < acknowledged else None  # None: still growing

    async def _rewind(self, held: int | None) -> None:
        """Republish from ``held`` on (everything after it is sent again: at-least-once)."""
        if held is None:
            return
        log.warning("relay %s: broker holds up to position %d, checkpoint says %d: republishing",
                    self.topic, held, self.position)
        assert self._conn is not None
        await checkpoint.save(self._conn, self.topic, held)
        self.position = held
        self.rewinds += 1

    def _schedule_check(self) -> None:
        interval = self.check_interval if self._published else self.idle_check_interval
        self._next_check = time.monotonic() + interval
        self._published = False

    def _check_due(self) -> bool:
        """A check should start (none running, its time has come) or be applied (it is done)."""
        if self._check is None:
            return time.monotonic() >= self._next_check
        return self._check.done()

    async def _publish_pending(self) -> bool:
        """Publish batches; True once caught up (the last read was not a full batch).

        The next batch is read from Postgres while the broker acknowledges the current one:
        the two waits overlap, which is most of the way to the throughput goal.
        """
        assert self._conn is not None and self._producer is not None
        conn = self._conn
        if self._ahead is not None and self._ahead[0] == self.position:
            records = self._ahead[1]  # read before a check cut the last run short; no rewind since
        else:
            records = await read_after(conn, self.position, self.batch_size, self.service)
        self._ahead = None
        if records and not self._published:
            self._published = True
            # Back from idle: the check scheduled far off comes due at the busy pace again.
            self._next_check = min(self._next_check, time.monotonic() + self.check_interval)
        while records:
            sent = await self._send_batches(records)
            full = len(records) == self.batch_size
            ahead = asyncio.ensure_future(read_after(conn, records[-1].position, self.batch_size,
                                                     self.service)) if full else None
            try:
                # every ack, or the first error: then nothing advances
                acks = await asyncio.gather(*(future for future, _count in sent))
                cut_at = self._log_cut_back([(ack.offset, count) for ack, (_f, count) in zip(acks, sent)])
                if cut_at is not None:
                    await self._rewind(await self._tail.position_at(self.topic, cut_at - 1) if cut_at else 0)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                    with contextlib.suppress(BaseException):
                        await ahead
                raise
            if cut_at is not None:
                if ahead is not None:
                    ahead.cancel()
                    with contextlib.suppress(BaseException):
                        await ahead
                return False  # publish again from the rewound checkpoint
            following = await ahead if ahead is not None else []
            self.position = records[-1].position
            await checkpoint.save(conn, self.topic, self.position)
            if not full:
                return True
            if self._check_due():
                # Let the loop start or apply a check between long runs of batches.
                self._ahead = (self.position, following)
                return False
            records = following
        return True

    def _log_cut_back(self, acks: list[tuple[int, int]]) -> int | None:
        """The offset the log was cut back to, if a batch landed below where the last one ended.

        ``acks``: (base offset, record count) of each batch, in order. Other producers only
        ever move the end forward; a lower offset means the broker lost records.
        """
        for offset, count in acks:
            if self._next_offset is not None and offset < self._next_offset:
                log.warning("relay %s: a batch landed at offset %d, below the log end %d it had reached "
                            "(the broker lost records)", self.topic, offset, self._next_offset)
                self._next_offset = None
                return offset
            self._next_offset = offset + count
        return None

    async def _send_batches(self, records: list[OutgoingRecord]) -> list[tuple[asyncio.Future, int]]:
        """Queue records as ready-made 128 KiB record batches, in order; (future, record count)
        per batch.

        aiokafka's batch API skips its per-message send() machinery (~10 µs each), which
        otherwise caps a relay near 70k events/s; one partition keeps the order.
        """
        assert self._producer is not None
        sent: list[tuple[asyncio.Future, int]] = []
        batch = self._producer.create_batch()
        for record in records:
            if batch.append(key=record.key, value=record.value, timestamp=None, headers=record.headers) is None:
                count = batch.record_count()
                sent.append((await self._producer.send_batch(batch, self.topic, partition=0), count))
                batch = self._producer.create_batch()
                batch.append(key=record.key, value=record.value, timestamp=None, headers=record.headers)
        if count := batch.record_count():
            sent.append((await self._producer.send_batch(batch, self.topic, partition=0), count))
        return sent

    async def _close(self) -> None:
        if self._check is not None:
            # Bounded: a check cancelled inside aiokafka's admin client start can hang in its
            # cleanup (seen under load); the abandoned task holds nothing we need.
            self._check.cancel()
            await asyncio.wait({self._check}, timeout=CLOSE_TIMEOUT)
            self._check = None
        await self._tail.stop()
        for conn in (self._conn, self._listener):
            if conn is not None and not conn.is_closed():
                with contextlib.suppress(Exception):
                    await conn.close()
        self._conn = self._listener = None
        if self._producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._producer.stop(), CLOSE_TIMEOUT)
            self._producer = None
        self._next_offset = None  # a verification comes first on reconnecting
