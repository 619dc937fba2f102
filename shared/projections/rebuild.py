"""Rebuild a read model beside the live one, catch up, then swap schemas in one transaction.

The fast path reads the owning service's event store in pages (tansu cannot seek by time,
and a store page needs no broker round trip); other sources are read from their topic from
offset 0. Two ways to build:

- **fold** (a :class:`FoldedProjection` with a :class:`Fold`): every page is decoded into
  lightweight :class:`EventRow` tuples plus the registry's event models (parsed by
  pydantic-core straight from the JSON text) and folded into an in-memory state; once the
  sources are read, ``flush`` writes the state into the fresh, empty schema (COPY) in one
  transaction with the checkpoints. The fastest path (no per-page upserts).
- **pages**: each page is applied in one transaction, through the projection's
  ``apply_batch`` (set-based writes) when it has one, else its per-event handlers.

Then the events appended meanwhile are applied through the page path, and the swap
transaction locks the live schema's checkpoint table (so a live runner in *any* process has
no batch in flight and starts none), applies the last events still missing, renames the
schemas and drops the old one. The fresh checkpoints are then >= the live ones and travel
with the schema, so a live runner skips what the rebuild applied and applies the rest once
(and a runner that had read past them sees a gap and rewinds). Poison events are skipped
and counted, as the live runner dead-lettered them already.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import asyncpg
from aiokafka import TopicPartition
from pydantic import ValidationError

from shared.events.base import DomainEvent
from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, EventRegistry, UnknownEventType
from shared.eventstore.base import pages
from shared.kafka import consumer, fetches_until_empty
from shared.projections import schema
from shared.projections.projection import Projection
from shared.projections.store_pages import StorePages, row_pages, scan_json

log = logging.getLogger(__name__)


class EventPages(Protocol):
    """What a rebuild needs of an event store (PostgresEventStore and StorePages have it)."""

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]: ...


class EventRow(NamedTuple):
    """What a fold sees of an event besides its decoded model (no envelope is built)."""

    position: int
    stream_id: str
    version: int
    type: str
    schema_version: int


@dataclass(frozen=True)
class Fold:
    """An in-memory rebuild: ``state = start()``, ``state = step(state, rows, events)`` per
    page (``events[i]`` belongs to ``rows[i]``; only types the projection has handlers for),
    then ``flush(conn, state)`` once into the fresh schema (``search_path`` set; tables empty).
    The result must equal what the per-event handlers build: they apply the catch-up."""

    start: Callable[[], Any]
    step: Callable[[Any, Sequence[EventRow], Sequence[DomainEvent]], Any]
    flush: Callable[[asyncpg.Connection, Any], Awaitable[None]]


@dataclass(frozen=True)
class FoldedProjection(Projection):
    """A Projection that can also be rebuilt by folding in memory (the live runner ignores it)."""

    fold: Fold | None = None


@dataclass
class RebuildReport:
    projection: str
    events: int = 0  # events read
    applied: int = 0  # events handed to handlers / the fold
    skipped_poison: int = 0
    seconds: float = 0.0
    checkpoints: dict[str, int] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild_schema(name: str) -> str:
    return f"{name}__rebuild"


# --- decoding ---------------------------------------------------------------------------------

class RowDecoder:
    """Rows ``(position, stream_id, version, type, schema_version, data)`` -> EventRows + events.

    ``data`` is JSON text (store rows: validated by ``model_validate_json`` in pydantic-core,
    no dict in between) or an already parsed dict (topic envelopes). Old schema versions go
    through the registry's upcasters. Types outside ``wanted`` are dropped; types the registry
    does not know, and payloads that do not fit, are counted as poison.
    """

    def __init__(self, registry: EventRegistry, wanted: Collection[str]) -> None:
        self.registry = registry
        # The model's own validator, called directly: model_validate_json adds ~0.4 µs a call.
        self._fast = {
            t: (registry.model_for(t).schema_version, registry.model_for(t).__pydantic_validator__.validate_json,
                registry.model_for(t).__pydantic_validator__.validate_python)
            for t in registry.types if t in wanted
        }

    def decode(self, rows: Sequence[Sequence[Any]]) -> tuple[list[EventRow], list[DomainEvent], int]:
        fast, registry = self._fast, self.registry
        kept: list[EventRow] = []
        events: list[DomainEvent] = []
        keep, add, new = kept.append, events.append, tuple.__new__
        poison = 0
        for position, stream_id, version, type_, schema_version, data in rows:
            spec = fast.get(type_)
            if spec is None:
                if type_ not in registry:
                    poison += 1
                continue
            try:
                if schema_version == spec[0]:
                    event = spec[1](data) if data.__class__ is str else spec[2](data)
                else:
                    parsed = scan_json(data, 0)[0] if data.__class__ is str else data
                    event = registry.decode(type_, schema_version, parsed)
            except (ValidationError, EventDecodeError, UnknownEventType, ValueError):
                poison += 1
                continue
            keep(new(EventRow, (position, stream_id, version, type_, schema_version)))
            add(event)
        return kept, events, poison


def _as_row(envelope: Envelope) -> tuple[Any, ...]:
    return (envelope.position, envelope.stream_id, envelope.version, envelope.type,
            envelope.schema_version, envelope.data)


# --- rebuild ----------------------------------------------------------------------------------


async def rebuild(
    projection: Projection,
    pool: asyncpg.Pool,
    *,
    stores: Mapping[str, EventPages] | None = None,
    bootstrap: str | None = None,
    batch_size: int = 5000,
    fold_page_size: int = 20000,
    runner: Any = None,
) -> RebuildReport:
    """Build ``<name>__rebuild`` from scratch, catch up and swap it in for ``<name>``.

    ``stores`` maps a source topic to the event store that publishes it (the fast path);
    sources without one are read from Kafka at ``bootstrap``. Given the live ``runner`` (same
    process), the final catch-up and the swap also happen while it is paused.
    """
    stores = stores or {}
    target = rebuild_schema(projection.name)
    report = RebuildReport(projection.name)
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema.quoted(target)} CASCADE")
        await schema.install(conn, target, projection.ddl)
    builder = _Builder(projection, pool, target, report)
    fold: Fold | None = getattr(projection, "fold", None)
    if fold is not None:
        state = fold.start()
        for source in projection.topics:
            state = await builder.fold(source, fold, state, _row_source(source, stores, bootstrap, fold_page_size,
                                                                     builder))
        async with pool.acquire() as conn:
            async with conn.transaction():
                await schema.set_local_search_path(conn, target)
                await fold.flush(conn, state)
                await schema.save_checkpoints(conn, target, builder.checkpoints)
        del state
    else:
        for source in projection.topics:
            await builder.consume(source, _pages(source, stores, bootstrap, batch_size, builder))
    await _catch_up(builder, stores, batch_size)  # what was appended meanwhile, outside the pause
    pause = runner.paused(projection.name) if runner is not None else contextlib.nullcontext()
    async with pause:
        await _swap(pool, projection, target, builder, stores, batch_size)
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


async def _swap(pool: asyncpg.Pool, projection: Projection, target: str, builder: _Builder,
                stores: Mapping[str, EventPages], batch_size: int) -> None:
    live = projection.name
    old = schema.quoted(f"{live}__old")
    async with pool.acquire() as conn:
        async with conn.transaction():
            live_exists = await schema.schema_exists(conn, live)
            if live_exists and await conn.fetchval("SELECT to_regclass($1)", f"{schema.quoted(live)}.checkpoint"):
                # Waits for a live batch in flight (it holds the checkpoint rows), blocks the next.
                await conn.execute(f"LOCK TABLE {schema.quoted(live)}.checkpoint IN ACCESS EXCLUSIVE MODE")
            await _catch_up(builder, stores, batch_size, conn)  # the last events, in the swap transaction
            await conn.execute(f"DROP SCHEMA IF EXISTS {old} CASCADE")
            if live_exists:
                await conn.execute(f"ALTER SCHEMA {schema.quoted(live)} RENAME TO {old}")
            await conn.execute(f"ALTER SCHEMA {schema.quoted(target)} RENAME TO {schema.quoted(live)}")
            await conn.execute(f"DROP SCHEMA IF EXISTS {old} CASCADE")


async def _catch_up(builder: _Builder, stores: Mapping[str, EventPages], batch_size: int,
                    conn: asyncpg.Connection | None = None) -> None:
    """Apply what each source store holds past the builder's checkpoint."""
    for source, store in stores.items():
        if source in builder.projection.sources:
            await builder.consume(source, pages(store.read_all, builder.checkpoints.get(source, 0), batch_size),
                                  conn)


class _Builder:
    def __init__(self, projection: Projection, pool: asyncpg.Pool, target: str, report: RebuildReport) -> None:
        self.projection = projection
        self.pool = pool
        self.target = target
        self.report = report
        self.checkpoints: dict[str, int] = {}

    async def fold(self, source: str, fold: Fold, state: Any, pages: AsyncIterator[Sequence[Any]]) -> Any:
        decoder = RowDecoder(self.projection.sources[source], self.projection.handlers)
        report = self.report
        async for page in pages:
            if not page:  # pages come in increasing positions, all past the checkpoint
                continue
            rows, events, poison = decoder.decode(page)
            state = fold.step(state, rows, events)
            self.checkpoints[source] = page[-1][0]
            report.events += len(page)
            report.applied += len(rows)
            report.skipped_poison += poison
        return state

    async def consume(self, source: str, pages: AsyncIterator[list[Envelope]],
                      conn: asyncpg.Connection | None = None) -> None:
        """Apply page k while page k+1 is being read."""
        registry = self.projection.sources[source]
        iterator = pages.__aiter__()
        ahead = asyncio.ensure_future(_next(iterator))
        while (page := await ahead) is not None:
            ahead = asyncio.ensure_future(_next(iterator))
            await self._apply(source, registry, page, conn)

    async def _apply(self, source: str, registry: EventRegistry, page: Sequence[Envelope],
                     conn: asyncpg.Connection | None) -> None:
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
        if last == current:
            return
        if conn is None:
            async with self.pool.acquire() as own:
                async with own.transaction():
                    await self._write(own, source, envelopes, events, last)
        else:
            async with conn.transaction():  # a savepoint inside the swap transaction
                await self._write(conn, source, envelopes, events, last)
        self.checkpoints[source] = last
        self.report.events += len(page)
        self.report.applied += len(envelopes)

    async def _write(self, conn: asyncpg.Connection, source: str, envelopes: Sequence[Envelope],
                     events: Sequence[Any], last: int) -> None:
        await schema.set_local_search_path(conn, self.target)
        if self.projection.apply_batch is not None:
            await self.projection.apply_batch(conn, envelopes, events)
        else:
            handlers = self.projection.handlers
            for envelope, event in zip(envelopes, events):
                await handlers[envelope.type](conn, envelope, event)
        await schema.save_checkpoints(conn, self.target, {source: last})


async def _next(iterator: AsyncIterator[list[Envelope]]) -> list[Envelope] | None:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return None


def _pages(source: str, stores: Mapping[str, EventPages], bootstrap: str | None, batch_size: int,
           builder: _Builder) -> AsyncIterator[list[Envelope]]:
    if source in stores:
        return pages(stores[source].read_all, builder.checkpoints.get(source, 0), batch_size)
    if bootstrap is None:
        raise ValueError(f"no store for {source} and no bootstrap to read its topic")
    return _topic_pages(bootstrap, source, batch_size, builder)


def _row_source(source: str, stores: Mapping[str, EventPages], bootstrap: str | None, page_size: int,
                builder: _Builder) -> AsyncIterator[Sequence[Any]]:
    """Row pages for a fold: the store's lean rows when it has a pool, else envelopes as rows."""
    after = builder.checkpoints.get(source, 0)
    store = stores.get(source)
    if store is not None:
        if isinstance(store, StorePages):
            return row_pages(store, after, page_size)
        pool = getattr(store, "pool", None)
        if isinstance(pool, asyncpg.Pool):
            return row_pages(StorePages(pool, getattr(store, "producer", "")), after, page_size)
        return _as_rows(pages(store.read_all, after, page_size), after)
    if bootstrap is None:
        raise ValueError(f"no store for {source} and no bootstrap to read its topic")
    return _as_rows(_topic_pages(bootstrap, source, page_size, builder), after)


async def _as_rows(pages: AsyncIterator[list[Envelope]], after: int) -> AsyncIterator[Sequence[Any]]:
    """Envelopes as rows, each position once and increasing (a topic may hold duplicates)."""
    last = after
    async for page in pages:
        rows = []
        for envelope in page:
            if envelope.position > last:
                last = envelope.position
                rows.append(_as_row(envelope))
        if rows:
            yield rows


async def _topic_pages(bootstrap: str, topic: str, batch_size: int, builder: _Builder) -> AsyncIterator[list[Envelope]]:
    """The topic from offset 0 until a fetch comes back empty (tansu's end offset is only a hint)."""
    tp = TopicPartition(topic, 0)
    reader = consumer(bootstrap, group_id=None, max_partition_fetch_bytes=8 * 1024 * 1024)
    await reader.start()
    try:
        reader.assign([tp])
        reader.seek(tp, 0)
        async for records in fetches_until_empty(reader, tp, max_records=batch_size):
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
