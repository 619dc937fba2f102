"""Applies consumed records to a projection: exactly-once effects over at-least-once delivery.

One transaction per batch: lock and read the checkpoints, run the handlers of the events
past them, write the new checkpoints with ``pg_notify('lab27_checkpoints', <projection>)``
(delivered on commit: waiters in other processes wake at once, see waiter.py), commit. A record is then
- skipped when its position is <= the checkpoint of its source (redelivery, replay);
- a *gap* when its ``prev_position`` header (set by the relay) is above the checkpoint:
  earlier events never arrived here, so the caller must rewind the topic; nothing of that
  source is applied from the rest of the batch;
- poison when it cannot be decoded, its type is unknown, or its handler raises: it goes to
  the DLQ and the checkpoint moves past it.
Consecutive events of one type go to the projection's bulk handler for that type, if it has
one (one statement for the run instead of one per event), else to their per-event handlers.
A handler that raises rolls the whole batch back; the batch is then replayed one record
per transaction (per-event handlers) so only the guilty record is dead-lettered and nothing
is half-applied.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import asyncpg

from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, UnknownEventType
from shared.projections import schema
from shared.projections.dead_letters import DeadLetters
from shared.projections.messages import Incoming
from shared.projections.projection import Handler, Projection
from shared.projections.waiter import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

Applied = Callable[[str, int], None]  # (source, new checkpoint) after each commit


@dataclass(frozen=True, slots=True)
class _Item:
    message: Incoming
    envelope: Envelope | None = None
    event: Any = None
    handler: Handler | None = None  # None: nothing to do but advance the checkpoint
    error: BaseException | None = None  # set: poison


class _HandlerFailed(Exception):
    def __init__(self, item: _Item, error: BaseException) -> None:
        super().__init__(str(error))
        self.item = item
        self.error = error


class Applier:
    def __init__(self, projection: Projection, pool: asyncpg.Pool, dead_letters: DeadLetters,
                 on_applied: Applied | None = None) -> None:
        self.projection = projection
        self.pool = pool
        self.dead_letters = dead_letters
        self.on_applied = on_applied
        self.applied = 0  # events whose handler ran and committed

    async def apply(self, messages: Sequence[Incoming]) -> set[str]:
        """Apply a batch; returns the source topics that showed a gap and must be rewound."""
        items = [self._prepare(m) for m in messages]
        try:
            return await self._transaction(items)
        except _HandlerFailed as failed:
            log.warning("projection %s: handler failed in a batch of %d (%s); isolating it",
                        self.projection.name, len(items), failed.error)
        gaps: set[str] = set()
        for item in items:
            try:
                gaps |= await self._transaction([item])
            except _HandlerFailed as failed:
                gaps |= await self._transaction([replace(item, error=failed.error, handler=None)])
        return gaps

    def _prepare(self, message: Incoming) -> _Item:
        """Decode outside the transaction; a failure marks the item as poison."""
        try:
            envelope = decode_value(message.value)
        except EventDecodeError as exc:
            return _Item(message, error=exc)
        registry = self.projection.sources.get(message.topic)
        if registry is None:
            return _Item(message, envelope, error=LookupError(f"{message.topic} is not a source"))
        if envelope.type not in registry:
            return _Item(message, envelope, error=UnknownEventType(envelope.type))
        handler = self.projection.handlers.get(envelope.type)
        if handler is None:
            return _Item(message, envelope)  # a type this read model does not need
        try:
            event = registry.decode(envelope.type, envelope.schema_version, envelope.data)
        except (EventDecodeError, UnknownEventType) as exc:
            return _Item(message, envelope, error=exc)
        return _Item(message, envelope, event, handler)

    async def _transaction(self, items: Sequence[_Item]) -> set[str]:
        name = self.projection.name
        bulk_handlers = self.projection.bulk_handlers
        gaps: set[str] = set()
        async with self.pool.acquire() as conn:
            # BEGIN + search_path, then checkpoints + notify + COMMIT, each in one round trip:
            # at low rates a batch is one event, and each round trip costs this process CPU.
            await schema.begin_with_search_path(conn, name)
            try:
                checkpoints = await schema.load_checkpoints(conn, name, lock=True)
                advanced: dict[str, int] = {}
                applied = 0
                run: list[_Item] = []  # consecutive events of one type, applied together
                poison: list[tuple[Incoming, BaseException]] = []  # sent once every handler ran

                async def flush() -> None:
                    if not run:
                        return
                    first = run[0]
                    bulk = bulk_handlers.get(first.envelope.type) if len(run) > 1 else None
                    try:
                        if bulk is not None:
                            await bulk(conn, [(i.envelope, i.event) for i in run])
                        else:
                            for current in run:
                                first = current
                                await current.handler(conn, current.envelope, current.event)
                    except Exception as exc:
                        # The whole batch rolls back and is replayed one event at a time,
                        # so only the guilty record of a failed bulk run is dead-lettered.
                        raise _HandlerFailed(first, exc) from exc
                    run.clear()

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
                        log.warning("projection %s: %s jumps from %d to %d (missed %s..): rewinding",
                                    name, source, current, envelope.position, previous.decode())
                        gaps.add(source)
                        continue
                    if item.error is not None:
                        poison.append((item.message, item.error))
                    elif item.handler is not None:
                        if run and run[0].envelope.type != envelope.type:
                            await flush()
                        run.append(item)
                        applied += 1
                    advanced[source] = envelope.position
                await flush()
                # After the handlers: a batch they fail is replayed, which must not send twice.
                for message, error in poison:
                    await self.dead_letters.send(name, message, error)
                await schema.save_checkpoints_and_commit(conn, name, advanced, notify=NOTIFY_CHANNEL)
            except BaseException:
                if not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.execute("ROLLBACK")
                raise
        self.applied += applied
        if self.on_applied:
            for source, position in advanced.items():
                self.on_applied(source, position)
        return gaps
