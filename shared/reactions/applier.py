"""Runs a reaction over consumed records: each inbound event handled once, in order.

Its checkpoint (``<reaction>.checkpoint``) has one row per inbound topic (the last position
handled) and one row for this service's own topic: the highest store position of any
command the reaction has issued (its *watermark*). A query carrying a token of the inbound
topic can then wait until the reaction has handled that position and this service's read
model has applied what the reaction wrote (shared.projections.tokens).

A record is skipped at or below the checkpoint, rewinds its topic on a gap (as the read
models' applier), goes to the DLQ when it cannot be decoded or its handler has a bug, and
is otherwise handled: the local views of its topic first catch up with it, then the handler
issues commands through the service's executor with request ids derived from the event, so
handling it again (after a crash, a redelivery, a replay) changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.application.requests import RequestMeta
from shared.db import is_unavailable
from shared.domain.errors import DomainError, Unavailable
from shared.events.codec import decode_value
from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError, UnknownEventType
from shared.projections import schema
from shared.projections.applier import meta_of
from shared.projections.dead_letters import DeadLetters
from shared.projections.messages import Incoming
from shared.projections.waiter import NOTIFY_CHANNEL
from shared.reactions.reaction import Executor, Reaction, ReactionContext

log = logging.getLogger(__name__)

Applied = Callable[[str, int], None]
WaitFor = Callable[[str, str, int], Any]  # (consumer name, topic, position) -> awaitable
LAST_POSITION = "SELECT coalesce(max(position), 0) FROM events"


@dataclass(frozen=True, slots=True)
class Inbound:
    topic: str
    envelope: Envelope


class ReactionApplier:
    """``views``: the local views to wait for per inbound topic; ``wait_for`` waits for a
    consumer's checkpoint (bounded, Unavailable on timeout); ``own_topic``: this service's topic."""

    def __init__(self, reaction: Reaction, pool: asyncpg.Pool, dead_letters: DeadLetters, execute: Executor,
                 own_topic: str, views: dict[str, list[str]], wait_for: WaitFor,
                 on_applied: Applied | None = None) -> None:
        self.reaction = reaction
        self.pool = pool
        self.dead_letters = dead_letters
        self.own_topic = own_topic
        self._execute = execute
        self._views = views
        self._wait_for = wait_for
        self.on_applied = on_applied
        self.handled = 0  # inbound events whose handler ran to the end
        self.commands = 0  # commands that stored events (first time, not duplicates)
        self.expected_refusals = 0
        self.anomalies = 0
        self._watermark = 0

    async def apply(self, messages: Sequence[Incoming]) -> set[str]:
        """Handle a batch; returns the topics that showed a gap and must be rewound.

        The events of one inbound stream are handled in order; different streams' events
        concurrently (their commands then share group commits), and the checkpoint is saved
        once they are all done.
        """
        name = self.reaction.name
        async with self.pool.acquire() as conn:
            checkpoints = await schema.load_checkpoints(conn, name)
        self._watermark = checkpoints.get(self.own_topic, 0)
        advanced: dict[str, int] = {}
        gaps: set[str] = set()
        by_stream: dict[str, list[tuple[Incoming, Envelope]]] = {}
        for message in messages:
            source = message.topic
            if source in gaps:
                continue
            try:
                envelope = decode_value(message.value)
            except EventDecodeError as exc:
                await self.dead_letters.send(name, message, exc)
                continue
            current = advanced.get(source, checkpoints.get(source, 0))
            if envelope.position <= current:
                continue
            previous = message.header("prev_position")
            if previous is not None and int(previous) > current:
                log.warning("reaction %s: %s jumps from %d to %d: rewinding", name, source, current, envelope.position)
                gaps.add(source)
                continue
            by_stream.setdefault(f"{source}/{envelope.stream_id}", []).append((message, envelope))
            advanced[source] = envelope.position
        handled = sum(await asyncio.gather(*(self._handle_in_order(items) for items in by_stream.values())))
        if self._watermark > checkpoints.get(self.own_topic, 0):
            advanced = {self.own_topic: self._watermark, **advanced}  # the watermark first: see the docstring
        if advanced:
            async with self.pool.acquire() as conn:
                await conn.execute("BEGIN")
                await schema.save_checkpoints_and_commit(conn, name, advanced, notify=NOTIFY_CHANNEL)
        self.handled += handled
        if self.on_applied:
            for source, position in advanced.items():
                self.on_applied(source, position)
        return gaps

    async def _handle_in_order(self, items: list[tuple[Incoming, Envelope]]) -> int:
        handled = 0
        for message, envelope in items:
            handled += await self._handle(message, envelope)
        return handled

    async def _handle(self, message: Incoming, envelope: Envelope) -> bool:
        """True when a handler ran; False for a type it does not handle or a poison record."""
        registry = self.reaction.sources.get(message.topic)
        handler = self.reaction.handlers.get(envelope.type)
        try:
            if registry is None or envelope.type not in registry:
                raise UnknownEventType(envelope.type)
            if handler is None:
                return False
            event = registry.decode(envelope.type, envelope.schema_version, envelope.data)
        except (EventDecodeError, UnknownEventType) as exc:
            await self.dead_letters.send(self.reaction.name, message, exc)
            return False
        for view in self._views.get(message.topic, ()):
            await self._wait_for(view, message.topic, envelope.position)
        try:
            await handler(ReactionContext(self, Inbound(message.topic, envelope)), event, meta_of(envelope))
        except Unavailable:
            raise  # a bounded wait ran out: the batch is retried
        except Exception as exc:  # noqa: BLE001 - a handler bug: this record is poison, the next goes on
            if is_unavailable(exc):
                raise
            await self.dead_letters.send(self.reaction.name, message, exc)
            return False
        return True

    # -- what a ReactionContext asks ---------------------------------------------------------

    async def caught_up(self, read_model: str) -> None:
        last = await self.pool.fetchval(LAST_POSITION)
        await self._wait_for(read_model, self.own_topic, last)

    async def execute(self, inbound: Inbound, command: Any, key: str,
                      expected: tuple[type[BaseException], ...]) -> Any:
        envelope = inbound.envelope
        meta = RequestMeta(request_id=self.reaction.request_id(envelope.event_id, key),
                           correlation_id=envelope.correlation_id, causation_id=str(envelope.event_id))
        try:
            addressed, outcome = await self._execute(command, meta)
        except DomainError as refused:
            if isinstance(refused, Unavailable):
                raise
            if isinstance(refused, expected):
                self.expected_refusals += 1
                log.debug("reaction %s: %s for %s refused as expected: %s", self.reaction.name,
                          type(command).__name__, envelope.event_id, refused)
                return None
            await self._anomaly(inbound, command, key, refused)
            return None
        if not outcome.duplicate and outcome.events:
            self.commands += 1
        self._watermark = max(self._watermark, outcome.position)
        return addressed

    async def _anomaly(self, inbound: Inbound, command: Any, key: str, refused: DomainError) -> None:
        """Kept once per (inbound event, key): a replay finds it there and counts nothing more."""
        envelope = inbound.envelope
        status = await self.pool.execute(
            f"""INSERT INTO {schema.quoted(self.reaction.name)}.anomalies
                    (event_id, key, source, position, event_type, command, code, message)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id, key) DO NOTHING""",
            envelope.event_id, key, inbound.topic, envelope.position, envelope.type,
            _describe(command), type(refused).__name__, str(refused)[:2000])
        if status.endswith(" 1"):
            self.anomalies += 1
            log.warning("reaction %s: %s for %s (%s at %d of %s) refused: %s: %s", self.reaction.name,
                        type(command).__name__, envelope.type, envelope.event_id, envelope.position, inbound.topic,
                        type(refused).__name__, refused)


def _describe(command: Any) -> str:
    dump = getattr(command, "model_dump_json", None)
    return f"{type(command).__name__} {dump()}" if dump else repr(command)
