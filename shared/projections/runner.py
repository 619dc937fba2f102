"""Runs a service's consumers inside its process on an embedded faust App: its read models
and its reactions.

One faust agent per read model or reaction, subscribed to all its source topics; each agent
takes the records already delivered to it (up to ``batch_size``, never waiting for more) and
hands them to its applier: a read model's in one Postgres transaction (applier.py), a
reaction's event by event (shared.reactions.applier). The App is started and stopped from
asyncio code: no ``faust worker`` CLI, no web server, in-memory tables only.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
from faust.types import TP

from shared.db import create_pool
from shared.kafka import ensure_topics
from shared.log_tail import LogTail
from shared.projections import schema
from shared.projections.applier import Applier
from shared.projections.dead_letters import DeadLetters
from shared.projections.faust_driver import ProjectionApp
from shared.projections.messages import Incoming
from shared.projections.readmodel import ReadModel
from shared.projections.waiter import PositionWaiter
from shared.domain.errors import Unavailable
from shared.reactions.applier import ReactionApplier
from shared.reactions.reaction import Executor, Reaction
from shared.settings import KafkaClientProfile

log = logging.getLogger(__name__)
APP_STOP_TIMEOUT = 20.0  # seconds


class ProjectionRunner:
    def __init__(
        self,
        service: str,
        projections: Sequence[ReadModel],
        *,
        bootstrap: str,
        dsn: str | None = None,
        pool: asyncpg.Pool | None = None,
        batch_size: int = 1000,
        fetch_max_wait_ms: int | None = None,  # None: the profile's (KAFKA_FETCH_MAX_WAIT_MS)
        profile: KafkaClientProfile | None = None,
        app_id: str | None = None,
        end_check_interval: float = 1.0,
        reactions: Sequence[Reaction] = (),
        execute: Executor | None = None,
        own_topic: str | None = None,
        wait_timeout: float = 10.0,
    ) -> None:
        """``reactions`` issue commands through ``execute`` (the service's command entry point)
        and record their effects' positions in ``own_topic`` (the service's events topic);
        ``wait_timeout`` bounds a reaction's wait for a local view or a read model."""
        if (dsn is None) == (pool is None):
            raise ValueError("give either dsn or pool")
        if reactions and (execute is None or own_topic is None):
            raise ValueError("reactions need the service's executor and its own topic")
        self.service = service
        self.projections = {p.name: p for p in projections}
        self.reactions = {r.name: r for r in reactions}
        if clash := set(self.projections) & set(self.reactions):
            raise ValueError(f"a read model and a reaction share a name (their schema): {sorted(clash)}")
        self.consumers: dict[str, ReadModel | Reaction] = {**self.projections, **self.reactions}
        self._execute = execute
        self.own_topic = own_topic
        self.wait_timeout = wait_timeout
        self.bootstrap = bootstrap
        self.dsn = dsn
        self.pool = pool
        self.batch_size = batch_size
        self.profile = profile or KafkaClientProfile()
        self.fetch_max_wait_ms = self.profile.fetch_max_wait_ms if fetch_max_wait_ms is None else fetch_max_wait_ms
        # Idle (no record for idle_after_ms), the consumer fetches with the longer idle wait.
        self.idle_fetch_max_wait_ms = max(self.fetch_max_wait_ms, self.profile.idle_fetch_max_wait_ms)
        self._last_record = time.monotonic()
        self.idle = False
        self.app_id = app_id or f"lab27-{service}-projections"
        self.dead_letters = DeadLetters(bootstrap, service, self.profile)
        self.appliers: dict[str, Applier | ReactionApplier] = {}
        self.waiters: dict[str, PositionWaiter] = {}
        self._locks = {name: asyncio.Lock() for name in self.consumers}
        self._rewinding: set[str] = set()
        self._owns_pool = pool is None
        self._app: ProjectionApp | None = None
        self._datadir: str | None = None
        self.end_check_interval = end_check_interval
        self._end_watch: asyncio.Task | None = None
        self._tail = LogTail(bootstrap, self.profile)
        self._at_end: dict[TP, tuple[int, int, int | None]] = {}  # end, checkpoint, last position
        self._applying: set[str] = set()
        self.end_rewinds = 0  # seeks to 0 made by the log-end watch

    def waiter(self, projection: str) -> PositionWaiter:
        return self.waiters[projection]

    async def start(self) -> None:
        """Install schemas, then start consuming; returns once partitions are assigned.

        A start that fails part-way stops what it started: faust's consumer runs in a
        non-daemon thread of its own, and one left behind keeps its process from exiting."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        if self.pool is None:
            self.pool = await create_pool(self.dsn, min_size=1, max_size=4)
        async with self.pool.acquire() as conn:
            for consumer in self.consumers.values():
                await schema.install(conn, consumer.name, consumer.ddl_text())
        await self.dead_letters.start()
        await ensure_topics(self.bootstrap, sorted({t for c in self.consumers.values() for t in c.topics}))
        for name in self.consumers:
            self.waiters[name] = PositionWaiter(self.pool, name)
        for projection in self.projections.values():
            waiter = self.waiters[projection.name]
            self.appliers[projection.name] = Applier(projection, self.pool, self.dead_letters, waiter.advance)
        views = {t: [p.name for p in self.projections.values() if t in p.sources]
                 for r in self.reactions.values() for t in r.topics}
        for reaction in self.reactions.values():
            assert self._execute is not None and self.own_topic is not None
            self.appliers[reaction.name] = ReactionApplier(
                reaction, self.pool, self.dead_letters, self._execute, self.own_topic, views, self._wait_for,
                self.waiters[reaction.name].advance)
        for waiter in self.waiters.values():
            await waiter.start()
        self._app = self._build_app()
        await self._app.start()
        self._end_watch = asyncio.create_task(self._watch_log_ends(), name=f"{self.app_id}-log-ends")

    async def stop(self) -> None:
        """Stops every part that was started, each even when an earlier one fails to stop."""
        steps = [("log-end watch", self._stop_end_watch), ("log tail", self._tail.stop),
                 ("faust app", self._stop_app), ("dead letters", self.dead_letters.stop),
                 *((f"waiter {name}", waiter.stop) for name, waiter in self.waiters.items()),
                 ("pool", self._close_own_pool)]
        failures = []
        for name, step in steps:
            try:
                await step()
            except Exception as exc:  # noqa: BLE001 - the remaining parts must still stop
                log.warning("runner %s: stopping %s failed: %r", self.app_id, name, exc)
                failures.append(exc)
        if self._datadir:
            shutil.rmtree(self._datadir, ignore_errors=True)
        if failures:
            raise failures[0]

    async def _stop_end_watch(self) -> None:
        if self._end_watch is not None:
            self._end_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._end_watch
            self._end_watch = None

    async def _stop_app(self) -> None:
        """faust's stop, bounded: with the broker gone it can wait for ever (it swallows a
        cancellation), and what comes after it must still be stopped. Offsets are only a hint
        (the checkpoints in Postgres decide), so an unfinished stop loses nothing."""
        app, self._app = self._app, None
        if app is None:
            return
        stopping = asyncio.ensure_future(app.stop())
        done, _ = await asyncio.wait({stopping}, timeout=APP_STOP_TIMEOUT)
        if not done:
            stopping.cancel()
            raise TimeoutError(f"faust app {self.app_id} did not stop within {APP_STOP_TIMEOUT:g} s")
        stopping.result()

    async def _close_own_pool(self) -> None:
        if self._owns_pool and self.pool is not None:
            pool, self.pool = self.pool, None
            await pool.close()

    async def __aenter__(self) -> "ProjectionRunner":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _on_records(self) -> None:
        self._last_record = time.monotonic()
        if self.idle:
            self.idle = False
            self._set_fetch_wait(self.fetch_max_wait_ms)

    def _idle_check(self) -> None:
        """Quiet for idle_after_ms: fetch with the idle wait until the next record."""
        quiet_for = time.monotonic() - self._last_record
        if not self.idle and quiet_for * 1000 >= self.profile.idle_after_ms:
            self.idle = True
            self._set_fetch_wait(self.idle_fetch_max_wait_ms)

    def _set_fetch_wait(self, ms: int) -> None:
        thread = getattr(self._app.consumer, "_thread", None) if self._app is not None else None
        if thread is not None:
            thread.set_fetch_wait(ms)

    async def _wait_for(self, consumer: str, topic: str, position: int) -> None:
        await self.waiters[consumer].wait_for(topic, position, self.wait_timeout)

    @contextlib.asynccontextmanager
    async def paused(self, projection: str) -> AsyncIterator[None]:
        """No batch of ``projection`` is applied inside this block (rebuild swaps schemas here)."""
        async with self._locks[projection]:
            yield

    async def _watch_log_ends(self) -> None:
        """Seek to 0 when the consumer's offset no longer means anything on its partition's log.

        A broker that lost its log (tansu restarted) starts offsets at 0 again and the relay
        republishes one record per position, so the new log's offsets differ from the old:
        - the consumer may stand past the new end. Kafka answers such a fetch with
          OFFSET_OUT_OF_RANGE and the consumer resets; tansu answers with nothing, so the
          projection would wait until the new log grows past the old offset;
        - the consumer may stand exactly at the new end (faust commits its old in-memory
          offset to the new broker) while the new log's last records were never applied: it
          sits there until the next write. Seen here as: idle at the end, the last record's
          position above the checkpoint, and no progress between two checks.
        Replaying from 0 is harmless: records at or below the checkpoint are skipped.
        """
        while True:
            await asyncio.sleep(self.end_check_interval)
            app = self._app
            if app is None:
                continue
            self._idle_check()
            try:
                for tp in sorted(app.consumer.assignment()):
                    # Position first: on one log the end read afterwards is at least as far.
                    # The end is what the last fetch response said; tansu's ListOffsets is no
                    # use here (it answers the last batch's base offset).
                    position = await app.consumer.position(tp)
                    end = app.consumer.highwater(tp)
                    if position is None or end is None:
                        continue
                    if position > end:
                        log.warning("projections %s: %s[%d] at offset %d, past the log end %d "
                                    "(broker lost its log): rewinding to 0", self.app_id, tp.topic,
                                    tp.partition, position, end)
                    elif position < end or not await self._stuck_at_end(tp, end):
                        continue
                    self._at_end.pop(tp, None)
                    self.end_rewinds += 1
                    await app.consumer.seek(tp, 0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - broker away: try again next round
                log.debug("projections %s: log end check failed: %r", self.app_id, exc)

    async def _stuck_at_end(self, tp: TP, end: int) -> bool:
        """Idle at the end of the log, yet its last record is past the checkpoint, twice running.

        The tail is read only when the end or the checkpoint moved since the last look, so
        an idle runner reads nothing; a batch being applied is never taken for stuck.
        """
        readers = [name for name, c in self.consumers.items() if tp.topic in c.topics]
        if not readers or any(name in self._applying for name in readers):
            self._at_end.pop(tp, None)
            return False
        checkpoint = min(self.waiters[name].position(tp.topic) for name in readers)
        seen = self._at_end.get(tp)
        if seen is not None and seen[:2] == (end, checkpoint) and seen[2] is not None:
            last = seen[2]
            if last > checkpoint:
                log.warning("projections %s: %s[%d] idle at the log end %d, but its last record "
                            "(position %d) is past the checkpoint %d (offsets from a lost log): "
                            "rewinding to 0", self.app_id, tp.topic, tp.partition, end, last, checkpoint)
                return True
            return False
        last = await self._tail.last_position(tp.topic, tp.partition, end - 1) if end > 0 else 0
        self._at_end[tp] = (end, checkpoint, last)
        return False

    def _build_app(self) -> ProjectionApp:
        self._datadir = tempfile.mkdtemp(prefix="lab27-faust-")
        app = ProjectionApp(
            self.app_id,
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            broker=[f"kafka://{host}" for host in self.bootstrap.split(",")],
            store="memory://",
            datadir=self._datadir,
            web_enabled=False,
            topic_partitions=1,
            topic_allow_declare=False,  # topics are ensured above, with unlimited retention
            topic_disable_leader=True,
            consumer_auto_offset_reset="earliest",
            broker_session_timeout=self.profile.session_timeout_ms / 1000,
            broker_heartbeat_interval=self.profile.heartbeat_interval_ms / 1000,
            broker_rebalance_timeout=self.profile.session_timeout_ms / 1000,
        )
        for consumer in self.consumers.values():
            topic = app.topic(*consumer.topics, key_serializer="raw", value_serializer="raw")
            app.agent(topic, name=f"{self.app_id}.{consumer.name}")(self._agent_for(consumer.name))
        return app

    def _agent_for(self, name: str) -> Any:
        async def agent(stream: Any) -> None:
            # Batches what is already delivered: take an event, and keep taking while the
            # stream's channel holds more (up to batch_size), then apply. No timer: an idle
            # agent sleeps on the channel (take_events(within=2ms) woke ~500 times/s), and a
            # lone event is applied at once. Under load the channel fills while a batch is
            # being applied, so batches grow by themselves. Acked only once applied.
            manual = stream.noack()
            queue = manual.channel.queue
            batch: list[Any] = []
            async for event in manual.events():
                if not batch:
                    self._on_records()
                batch.append(event)
                if len(batch) < self.batch_size and not queue.empty():
                    continue
                await self._apply(name, [_incoming(e.message) for e in batch])
                for done in batch:
                    await manual.ack(done)
                batch.clear()

        agent.__name__ = agent.__qualname__ = name
        return agent

    async def _apply(self, name: str, messages: list[Incoming]) -> None:
        """Apply until it succeeds: a database outage must not skip records."""
        backoff = 0.05
        self._applying.add(name)
        try:
            while True:
                try:
                    async with self._locks[name]:
                        gaps = await self.appliers[name].apply(messages)
                    break
                # An outage (InternalClientError: a connection Postgres dropped as it crashed, see
                # shared.db), or a reaction's bounded wait ran out: nothing was half-done.
                except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                        Unavailable) as exc:
                    log.warning("consumer %s: %s: %s; retrying in %.2fs", name, type(exc).__name__, exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
        finally:
            self._applying.discard(name)
        seen = {m.topic for m in messages}
        for topic in seen - gaps:
            self._rewinding.discard(topic)
        for topic in gaps - self._rewinding:
            self._rewinding.add(topic)
            assert self._app is not None
            await self._app.consumer.seek(TP(topic, 0), 0)


def _incoming(message: Any) -> Incoming:
    headers = message.headers or []
    if isinstance(headers, dict):
        headers = list(headers.items())
    return Incoming(message.topic, message.offset, message.key, message.value, list(headers))
