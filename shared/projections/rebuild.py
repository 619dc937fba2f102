"""Rebuild a read model beside the live one, catch up, then swap schemas in one transaction.

The fast path reads the owning service's event store in pages (tansu cannot seek by time,
and a store page needs no broker round trip); other sources are read from their topic from
offset 0. Each page is applied in one transaction, through the projection's ``apply_batch``
(set-based writes) when it has one, else its per-event handlers. Poison events are skipped
and counted, as the live runner dead-lettered them already.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
from aiokafka import TopicPartition

from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, EventRegistry, UnknownEventType
from shared.kafka import consumer
from shared.projections import schema
from shared.projections.projection import Projection

log = logging.getLogger(__name__)


class EventPages(Protocol):
    """What a rebuild needs of an event store (PostgresEventStore has it)."""

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]: ...


@dataclass
class RebuildReport:
    projection: str
    events: int = 0  # events read
    applied: int = 0  # events handed to handlers
    skipped_poison: int = 0
    seconds: float = 0.0
    checkpoints: dict[str, int] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild_schema(name: str) -> str:
    return f"{name}__rebuild"


async def rebuild(
    projection: Projection,
    pool: asyncpg.Pool,
    *,
    stores: Mapping[str, EventPages] | None = None,
    bootstrap: str | None = None,
    batch_size: int = 5000,
    runner: Any = None,
) -> RebuildReport:
    """Build ``<name>__rebuild`` from scratch, catch up and swap it in for ``<name>``.

    ``stores`` maps a source topic to the event store that publishes it (the fast path);
    sources without one are read from Kafka at ``bootstrap``. Given the live ``runner``,
    the final catch-up and the swap happen while it is paused, so no batch lands in the
    schema being dropped.
    """
    stores = stores or {}
    target = rebuild_schema(projection.name)
    report = RebuildReport(projection.name)
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema.quoted(target)} CASCADE")
        await schema.install(conn, target, projection.ddl)
    builder = _Builder(projection, pool, target, report)
    for source in projection.topics:
        await builder.consume(source, _pages(source, stores, bootstrap, batch_size, builder))
    pause = runner.paused(projection.name) if runner is not None else _nothing_to_pause()
    async with pause:
        for source, store in stores.items():  # what was appended meanwhile
            if source in projection.sources:
                await builder.consume(source, _store_pages(store, builder.checkpoints.get(source, 0), batch_size))
        await _swap(pool, projection.name, target)
        if runner is not None:
            waiter = runner.waiters.get(projection.name)
            for source, position in builder.checkpoints.items():
                if waiter is not None:
                    waiter.advance(source, position)
    report.seconds = time.perf_counter() - started
    report.checkpoints = dict(builder.checkpoints)
    log.info("rebuilt %s: %d events in %.2fs (%.0f/s), %d poison skipped", projection.name, report.events,
             report.seconds, report.events_per_second, report.skipped_poison)
    return report


async def _swap(pool: asyncpg.Pool, live: str, target: str) -> None:
    old = schema.quoted(f"{live}__old")
    async with pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute(f"DROP SCHEMA IF EXISTS {old} CASCADE")
            if await schema.schema_exists(conn, live):
                await conn.execute(f"ALTER SCHEMA {schema.quoted(live)} RENAME TO {old}")
            await conn.execute(f"ALTER SCHEMA {schema.quoted(target)} RENAME TO {schema.quoted(live)}")
            await conn.execute(f"DROP SCHEMA IF EXISTS {old} CASCADE")


class _nothing_to_pause:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Builder:
    def __init__(self, projection: Projection, pool: asyncpg.Pool, target: str, report: RebuildReport) -> None:
        self.projection = projection
        self.pool = pool
        self.target = target
        self.report = report
        self.checkpoints: dict[str, int] = {}

    async def consume(self, source: str, pages: AsyncIterator[list[Envelope]]) -> None:
        """Apply page k while page k+1 is being read."""
        registry = self.projection.sources[source]
        iterator = pages.__aiter__()
        ahead = asyncio.ensure_future(_next(iterator))
        while (page := await ahead) is not None:
            ahead = asyncio.ensure_future(_next(iterator))
            await self._apply(source, registry, page)

    async def _apply(self, source: str, registry: EventRegistry, page: Sequence[Envelope]) -> None:
        current = self.checkpoints.get(source, 0)
        envelopes: list[Envelope] = []
        events: list[Any] = []
        handlers = self.projection.handlers
        last = current
        for envelope in page:
            if envelope.position <= last:
                continue  # a topic may hold duplicates
            last = envelope.position
            if envelope.type not in handlers:
                if envelope.type not in registry:
                    self.report.skipped_poison += 1
                continue
            try:
                events.append(registry.decode(envelope.type, envelope.schema_version, envelope.data))
            except (EventDecodeError, UnknownEventType):
                self.report.skipped_poison += 1
                continue
            envelopes.append(envelope)
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await schema.set_local_search_path(conn, self.target)
                if self.projection.apply_batch is not None:
                    await self.projection.apply_batch(conn, envelopes, events)
                else:
                    for envelope, event in zip(envelopes, events):
                        await handlers[envelope.type](conn, envelope, event)
                await schema.save_checkpoints(conn, self.target, {source: last})
        self.checkpoints[source] = last
        self.report.events += len(page)
        self.report.applied += len(envelopes)


async def _next(iterator: AsyncIterator[list[Envelope]]) -> list[Envelope] | None:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return None


def _pages(source: str, stores: Mapping[str, EventPages], bootstrap: str | None, batch_size: int,
           builder: _Builder) -> AsyncIterator[list[Envelope]]:
    if source in stores:
        return _store_pages(stores[source], builder.checkpoints.get(source, 0), batch_size)
    if bootstrap is None:
        raise ValueError(f"no store for {source} and no bootstrap to read its topic")
    return _topic_pages(bootstrap, source, batch_size, builder)


async def _store_pages(store: EventPages, after: int, batch_size: int) -> AsyncIterator[list[Envelope]]:
    while page := await store.read_all(after, batch_size):
        yield page
        after = page[-1].position


async def _topic_pages(bootstrap: str, topic: str, batch_size: int, builder: _Builder) -> AsyncIterator[list[Envelope]]:
    """The topic from offset 0 until a fetch comes back empty (tansu's end offset is only a hint)."""
    tp = TopicPartition(topic, 0)
    reader = consumer(bootstrap, group_id=None, max_partition_fetch_bytes=8 * 1024 * 1024)
    await reader.start()
    try:
        reader.assign([tp])
        reader.seek(tp, 0)
        wait_ms = 5000
        while True:
            records = (await reader.getmany(tp, timeout_ms=wait_ms, max_records=batch_size)).get(tp, [])
            if not records:
                return
            wait_ms = 200
            page = []
            for record in records:
                try:
                    page.append(decode_value(record.value))
                except EventDecodeError:
                    builder.report.skipped_poison += 1
            if page:
                yield page
    finally:
        await reader.stop()
