"""Rebuild a read model beside the live one: fold in memory, COPY, catch up, swap schemas.

From the read model's one declaration (shared.projections.readmodel), as the live path:

1. **fold**: every event of every source, in position order, applied in memory by the
   declared functions (the owning service's store is read in pages, each event's model
   parsed by pydantic-core straight from the JSON text; other sources are read from their
   topic from offset 0, since tansu cannot seek by time);
2. **COPY** the folded rows into ``<name>__rebuild``, a fresh schema, with the checkpoints,
   in one transaction;
3. **catch up** with what was appended meanwhile, the live way (load the touched rows,
   apply, write back), page by page;
4. **swap**: one transaction locks the live schema's checkpoint table (so a live runner in
   *any* process has no batch in flight and starts none), applies the last events still
   missing, renames the schemas and drops the old one.

The fresh checkpoints are then >= the live ones and travel with the schema, so a live
runner skips what the rebuild applied and applies the rest once (and a runner that had
read past them sees a gap and rewinds). Poison events are skipped and counted, as the live
runner dead-lettered them already.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
from aiokafka import TopicPartition
from pydantic import ValidationError

from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, EventRegistry, UnknownEventType
from shared.eventstore.base import pages
from shared.kafka import consumer, fetches_until_empty
from shared.projections import schema
from shared.projections.applier import apply_events
from shared.projections.readmodel import EventMeta, ReadModel, Rows, StoredEventMeta
from shared.projections.store_pages import StorePages, row_pages, scan_json
from shared.projections.tables import TableShape, copy_rows, shapes_of

log = logging.getLogger(__name__)


class EventPages(Protocol):
    """What a rebuild needs of an event store (PostgresEventStore and StorePages have it)."""

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]: ...


@dataclass
class RebuildReport:
    projection: str
    events: int = 0  # events read
    applied: int = 0  # events the read model's functions applied
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
    """Rows ``(position, stream_id, version, type, schema_version, data, occurred_at, event_id)``
    -> (event, EventMeta) pairs. ``occurred_at`` is a datetime (envelopes), or microseconds
    since 2000-01-01 (store rows: the meta is a StoredEventMeta).

    ``data`` is JSON text (store rows: validated by pydantic-core's ``validate_json``, no dict
    in between) or an already parsed dict (topic envelopes). Old schema versions go through
    the registry's upcasters. Types outside ``wanted`` are dropped; types the registry does
    not know, and payloads that do not fit, are counted as poison.
    """

    def __init__(self, registry: EventRegistry, wanted: Collection[str]) -> None:
        self.registry = registry
        # The model's own validator, called directly: model_validate_json adds ~0.4 µs a call.
        self._fast = {
            t: (registry.model_for(t).schema_version, registry.model_for(t).__pydantic_validator__.validate_json,
                registry.model_for(t).__pydantic_validator__.validate_python)
            for t in registry.types if t in wanted
        }

    def decode(self, rows: Sequence[Sequence[Any]]) -> tuple[list[tuple[Any, EventMeta]], int]:
        fast, registry = self._fast, self.registry
        decoded: list[tuple[Any, EventMeta]] = []
        keep, new = decoded.append, tuple.__new__
        poison = 0
        for position, stream_id, version, type_, schema_version, data, occurred_at, event_id in rows:
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
            # tuple.__new__: EventMeta's own __new__ is one more Python call per event
            meta = StoredEventMeta if occurred_at.__class__ is int else EventMeta  # store row or envelope
            keep((event, new(meta, (stream_id, version, position, occurred_at, event_id, type_, None))))
        return decoded, poison


@contextlib.contextmanager
def heap_frozen_page_by_page() -> Iterator[Callable[[], None]]:
    """Gives ``gc.freeze``, to call before each page of a fold; unfreezes at the end.

    A fold keeps every row it has built and allocates several objects per event, so the
    cyclic collector's full passes kept re-scanning the whole heap: that was half the time
    of a rebuild of 300k events (and of its read + decode baseline). Frozen objects are
    skipped by those passes and still freed by reference counting, which is how the rows,
    records and events of a fold die (they hold no cycles). The heap is left frozen if
    something else had frozen it before."""
    already_frozen = gc.get_freeze_count() > 0
    try:
        yield gc.freeze
    finally:
        if not already_frozen:
            gc.unfreeze()


def _as_row(envelope: Envelope) -> tuple[Any, ...]:
    return (envelope.position, envelope.stream_id, envelope.version, envelope.type,
            envelope.schema_version, envelope.data, envelope.occurred_at, envelope.event_id)


# --- rebuild ----------------------------------------------------------------------------------


async def rebuild(
    model: ReadModel,
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
    target = rebuild_schema(model.name)
    report = RebuildReport(model.name)
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema.quoted(target)} CASCADE")
        await schema.install(conn, target, model.ddl_text())
        shapes = await shapes_of(conn, target, model.tables)
    builder = _Builder(model, pool, target, shapes, report)
    rows = Rows(model)
    with heap_frozen_page_by_page() as freeze:
        for source in model.topics:
            await builder.fold(source, rows, _row_source(source, stores, bootstrap, fold_page_size, builder), freeze)
    await builder.flush(rows)
    del rows
    await _catch_up(builder, stores, batch_size)  # what was appended meanwhile, outside the pause
    pause = runner.paused(model.name) if runner is not None else contextlib.nullcontext()
    async with pause:
        await _swap(pool, model, target, builder, stores, batch_size)
        if runner is not None:
            waiter = runner.waiters.get(model.name)
            for source, position in builder.checkpoints.items():
                if waiter is not None:
                    waiter.advance(source, position)
    report.seconds = time.perf_counter() - started
    report.checkpoints = dict(builder.checkpoints)
    log.info("rebuilt %s: %d events in %.2fs (%.0f/s), %d poison skipped", model.name, report.events,
             report.seconds, report.events_per_second, report.skipped_poison)
    return report


async def _swap(pool: asyncpg.Pool, model: ReadModel, target: str, builder: _Builder,
                stores: Mapping[str, EventPages], batch_size: int) -> None:
    live = model.name
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
        if source in builder.model.sources:
            await builder.consume(source, pages(store.read_all, builder.checkpoints.get(source, 0), batch_size),
                                  conn)


class _Builder:
    def __init__(self, model: ReadModel, pool: asyncpg.Pool, target: str, shapes: dict[str, TableShape],
                 report: RebuildReport) -> None:
        self.model = model
        self.pool = pool
        self.target = target
        self.shapes = shapes
        self.report = report
        self.checkpoints: dict[str, int] = {}

    async def fold(self, source: str, rows: Rows, pages: AsyncGenerator[Sequence[Any], None],
                   freeze: Callable[[], None]) -> None:
        decoder = RowDecoder(self.model.sources[source], self.model.handled)
        report = self.report
        async with contextlib.aclosing(pages):  # its connection given back even if a page fails
            async for page in pages:
                if not page:  # pages come in increasing positions, all past the checkpoint
                    continue
                freeze()
                decoded, poison = decoder.decode(page)
                failed = len(rows.apply_all(decoded))
                self.checkpoints[source] = page[-1][0]
                report.events += len(page)
                report.applied += len(decoded) - failed
                report.skipped_poison += poison + failed

    async def flush(self, rows: Rows) -> None:
        """The folded rows into the fresh tables, with the checkpoints, in one transaction."""
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                for table in self.model.tables:
                    kept = (row for row in rows.rows[table.name].values() if row is not None)
                    await copy_rows(conn, self.target, self.shapes[table.name], kept)
                await schema.save_checkpoints(conn, self.target, self.checkpoints)

    async def consume(self, source: str, pages: AsyncIterator[list[Envelope]],
                      conn: asyncpg.Connection | None = None) -> None:
        """Apply page k while page k+1 is being read."""
        iterator = pages.__aiter__()
        ahead = asyncio.ensure_future(_next(iterator))
        while (page := await ahead) is not None:
            ahead = asyncio.ensure_future(_next(iterator))
            await self._apply(source, page, conn)

    async def _apply(self, source: str, page: Sequence[Envelope], conn: asyncpg.Connection | None) -> None:
        current = self.checkpoints.get(source, 0)
        fresh = [e for e in page if e.position > current]  # a topic may hold duplicates
        if not fresh:
            return
        decoded, poison = RowDecoder(self.model.sources[source], self.model.handled).decode(
            [_as_row(e) for e in _increasing(fresh)])
        last = fresh[-1].position
        if conn is None:
            async with self.pool.acquire() as own:
                async with own.transaction():
                    failed = await self._write(own, source, decoded, last)
        else:
            async with conn.transaction():  # a savepoint inside the swap transaction
                failed = await self._write(conn, source, decoded, last)
        self.checkpoints[source] = last
        self.report.events += len(fresh)
        self.report.applied += len(decoded) - failed
        self.report.skipped_poison += poison + failed

    async def _write(self, conn: asyncpg.Connection, source: str, decoded: list[tuple[Any, EventMeta]],
                     last: int) -> int:
        failed = await apply_events(conn, self.model, self.target, self.shapes, decoded)
        await schema.save_checkpoints(conn, self.target, {source: last})
        return len(failed)


def _increasing(envelopes: Sequence[Envelope]) -> list[Envelope]:
    out: list[Envelope] = []
    for envelope in envelopes:
        if not out or envelope.position > out[-1].position:
            out.append(envelope)
    return out


async def _next(iterator: AsyncIterator[list[Envelope]]) -> list[Envelope] | None:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return None


def _row_source(source: str, stores: Mapping[str, EventPages], bootstrap: str | None, page_size: int,
                builder: _Builder) -> AsyncGenerator[Sequence[Any], None]:
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


async def _as_rows(pages: AsyncIterator[list[Envelope]], after: int) -> AsyncGenerator[Sequence[Any], None]:
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
