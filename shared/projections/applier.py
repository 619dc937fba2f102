"""Applies consumed records to a read model: exactly-once effects over at-least-once delivery.

One transaction per batch: lock and read the checkpoints, load in one query per table every
row the batch's new events touch, apply the events in memory (the read model's declared
functions, shared.projections.readmodel), write back every changed row in one statement per
table, then save the checkpoints with ``pg_notify('lab27_checkpoints', <read model>)``
(delivered on commit: waiters in other processes wake at once, see waiter.py) and commit.

A record is
- skipped when its position is <= the checkpoint of its source (redelivery, replay);
- a *gap* when its ``prev_position`` header (set by the relay) is above the checkpoint:
  earlier events never arrived here, so the caller must rewind the topic; nothing of that
  source is applied from the rest of the batch;
- poison when it cannot be decoded, its type is unknown, or an apply function raises: it
  goes to the DLQ and the checkpoint moves past it. An apply that raises leaves the rows as
  they were (the functions are pure); a write the database refuses (a row that breaks a
  constraint) rolls the batch back, which is then replayed one record per transaction so
  only the guilty record is dead-lettered and nothing is half-applied.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import asyncpg

from shared.db import is_unavailable
from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, UnknownEventType
from shared.projections import schema
from shared.projections.dead_letters import DeadLetters
from shared.projections.messages import Incoming
from shared.projections.readmodel import ApplyFailed, EventMeta, ReadModel, Rows
from shared.projections.tables import TableShape, load_rows, shapes_of, write_rows
from shared.projections.waiter import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

Applied = Callable[[str, int], None]  # (source, new checkpoint) after each commit


def meta_of(envelope: Envelope) -> EventMeta:
    return EventMeta(envelope.stream_id, envelope.version, envelope.position, envelope.occurred_at,
                     envelope.event_id, envelope.type)


@dataclass(frozen=True, slots=True)
class _Item:
    message: Incoming
    envelope: Envelope | None = None
    event: Any = None
    wanted: bool = False  # False: nothing to do but advance the checkpoint
    error: BaseException | None = None  # set: poison


class _WriteFailed(Exception):
    """The database refused the batch's writes (not an outage): isolate the guilty record."""


async def apply_events(conn: asyncpg.Connection, model: ReadModel, target: str, shapes: dict[str, TableShape],
                       items: Sequence[tuple[Any, EventMeta]]) -> list[tuple[int, ApplyFailed]]:
    """Apply ``items`` to the tables of schema ``target`` inside the caller's transaction:
    load the rows they touch, apply in memory, write what changed. Returns the items whose
    apply raised (index, error); nothing of those was applied."""
    rows = Rows(model)
    for table_name, keys in rows.keys_needed(items).items():
        shape = shapes[table_name]
        current = rows.rows[table_name]
        for row in await load_rows(conn, target, shape, keys):
            current[shape.table.key_of_row(row)] = row
    failed = rows.apply_all(items)
    for table_name, keys in rows.touched.items():
        current = rows.rows[table_name]
        await write_rows(conn, target, shapes[table_name], {key: current[key] for key in keys})
    return failed


class Applier:
    def __init__(self, model: ReadModel, pool: asyncpg.Pool, dead_letters: DeadLetters,
                 on_applied: Applied | None = None) -> None:
        self.model = model
        self.pool = pool
        self.dead_letters = dead_letters
        self.on_applied = on_applied
        self.applied = 0  # events applied and committed
        self._shapes: dict[str, TableShape] | None = None

    async def apply(self, messages: Sequence[Incoming]) -> set[str]:
        """Apply a batch; returns the source topics that showed a gap and must be rewound."""
        items = [self._prepare(m) for m in messages]
        try:
            return await self._transaction(items)
        except _WriteFailed as failed:
            log.warning("read model %s: a write failed in a batch of %d (%s); isolating it",
                        self.model.name, len(items), failed.__cause__)
        gaps: set[str] = set()
        for item in items:
            try:
                gaps |= await self._transaction([item])
            except _WriteFailed as failed:
                gaps |= await self._transaction([replace(item, error=failed.__cause__, wanted=False)])
        return gaps

    def _prepare(self, message: Incoming) -> _Item:
        """Decode outside the transaction; a failure marks the item as poison."""
        try:
            envelope = decode_value(message.value)
        except EventDecodeError as exc:
            return _Item(message, error=exc)
        registry = self.model.sources.get(message.topic)
        if registry is None:
            return _Item(message, envelope, error=LookupError(f"{message.topic} is not a source"))
        if envelope.type not in registry:
            return _Item(message, envelope, error=UnknownEventType(envelope.type))
        if envelope.type not in self.model.handled:
            return _Item(message, envelope)  # a type this read model does not need
        try:
            event = registry.decode(envelope.type, envelope.schema_version, envelope.data)
        except (EventDecodeError, UnknownEventType) as exc:
            return _Item(message, envelope, error=exc)
        return _Item(message, envelope, event, wanted=True)

    async def _transaction(self, items: Sequence[_Item]) -> set[str]:
        name = self.model.name
        gaps: set[str] = set()
        async with self.pool.acquire() as conn:
            await conn.execute("BEGIN")
            try:
                if self._shapes is None:
                    self._shapes = await shapes_of(conn, name, self.model.tables)
                checkpoints = await schema.load_checkpoints(conn, name, lock=True)
                advanced: dict[str, int] = {}
                todo: list[_Item] = []
                poison: list[tuple[Incoming, BaseException]] = []  # sent once the writes are done
                for item in items:
                    source = item.message.topic
                    if source in gaps:
                        continue
                    envelope = item.envelope
                    if envelope is None:  # undecodable: no position to record
                        poison.append((item.message, item.error or ValueError("undecodable")))
                        continue
                    current = advanced.get(source, checkpoints.get(source, 0))
                    if envelope.position <= current:
                        continue
                    previous = item.message.header("prev_position")
                    if previous is not None and int(previous) > current:
                        log.warning("read model %s: %s jumps from %d to %d (missed %s..): rewinding",
                                    name, source, current, envelope.position, previous.decode())
                        gaps.add(source)
                        continue
                    if item.error is not None:
                        poison.append((item.message, item.error))
                    elif item.wanted:
                        todo.append(item)
                    advanced[source] = envelope.position
                try:
                    failed = await apply_events(conn, self.model, name, self._shapes,
                                                [(i.event, meta_of(i.envelope)) for i in todo])
                except Exception as exc:
                    if is_unavailable(exc):
                        raise
                    raise _WriteFailed() from exc
                poison += [(todo[index].message, error.error) for index, error in failed]
                for message, error in poison:
                    await self.dead_letters.send(name, message, error)
                await schema.save_checkpoints_and_commit(conn, name, advanced, notify=NOTIFY_CHANNEL)
            except BaseException:
                if not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.execute("ROLLBACK")
                raise
        self.applied += len(todo) - len(failed)
        if self.on_applied:
            for source, position in advanced.items():
                self.on_applied(source, position)
        return gaps
