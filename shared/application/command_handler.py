"""Load a stream, decide, append — in one store transaction — with idempotent request ids."""
from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from shared.application.business_time import occurred_at
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.domain.errors import ConcurrencyConflict, DomainError
from shared.eventstore.base import NO_STREAM, AppendResult, EventStore, WrongExpectedVersion
from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry

S = TypeVar("S")
C = TypeVar("C")

# A conflict we caused ourselves (no expected version from the client) is retried on fresh
# state; past this many tries the client gets ABORTED and may retry with the same request id.
MAX_REDECIDES = 5


@dataclass(frozen=True)
class CommandOutcome:
    stream_id: str
    version: int
    position: int  # the consistency token a query may wait for
    events: tuple[DomainEvent, ...]
    duplicate: bool = False


def utc_now() -> datetime:
    return datetime.now(UTC)


# Streams whose folded state a handler keeps (least recently used dropped first).
KEPT_STREAMS = 512


class CommandHandler(Generic[S, C]):
    """Load -> decide -> append, for one stream type.

    It keeps the states it folded (``kept`` streams at most), each with its version: a load
    reads only the events after it and folds them on (a stream only grows, so a state folded at
    version v stays the true state at v). Every load still reads the store, so what another
    process appended is always folded in: a kept state is only ever behind, never wrong. A
    grant of a thousand allocations or a cohort of two hundred agents is then not folded whole
    for each command. States must be immutable (frozen), as deciders' are: they are shared.
    """

    def __init__(self, store: EventStore, registry: EventRegistry, decider: Decider[S, C],
                 clock: Callable[[], datetime] = utc_now, kept: int = KEPT_STREAMS) -> None:
        self._store = store
        self._registry = registry
        self._decider = decider
        self._clock = clock
        self._locks = StreamLocks()
        self._kept: OrderedDict[str, tuple[S, int, int]] = OrderedDict()  # stream -> (state, version, position)
        self._most = kept

    async def load(self, stream_id: str) -> tuple[S, int, int]:
        """(state, version, position of the stream's last event); version 0 = no stream."""
        state, version, position = self._kept.get(stream_id) or (self._decider.initial, NO_STREAM, 0)
        for envelope in await self._store.read_stream(stream_id, version + 1):
            state = self._decider.evolve(state, self._registry.decode(envelope.type, envelope.schema_version,
                                                                      envelope.data))
            version, position = envelope.version, envelope.position
        if version != NO_STREAM and self._most > 0:
            self._keep(stream_id, state, version, position)
        return state, version, position

    def _keep(self, stream_id: str, state: S, version: int, position: int) -> None:
        kept = self._kept.get(stream_id)
        if kept is None or kept[1] <= version:  # a slower concurrent load never moves it back
            self._kept[stream_id] = (state, version, position)
        self._kept.move_to_end(stream_id)
        while len(self._kept) > self._most:
            self._kept.popitem(last=False)

    async def handle(self, stream_id: str, command: C, *, request_id: str | None = None,
                     expected_version: int | None = None, correlation_id: str | None = None,
                     causation_id: str | None = None, assume_new: bool = False) -> CommandOutcome:
        """Decide ``command`` on the stream's state and append what it decides.

        ``assume_new``: the command creates the stream (e.g. an admission), so decide on the
        initial state without reading; if the stream exists after all, the store refuses the
        append and we decide again on the real state. Saves a read on the hot path.

        A retried request id is recognised by the store on append; when the retry decides
        nothing or is refused (the first attempt already changed the state), the request id is
        looked up then, so the retry still answers with the first result.

        Commands to one stream are decided one at a time in this process (25 enrolments racing
        for 20 places would otherwise conflict round after round); only another process's
        writes can still conflict, and those are decided again on the fresh state.
        """
        async with self._locks.hold(stream_id):
            return await self._handle(stream_id, command, request_id, expected_version, correlation_id,
                                      causation_id, assume_new)

    async def _handle(self, stream_id: str, command: C, request_id: str | None, expected_version: int | None,
                      correlation_id: str | None, causation_id: str | None, assume_new: bool) -> CommandOutcome:
        for attempt in range(MAX_REDECIDES):
            if attempt == 0 and assume_new and expected_version in (None, NO_STREAM):
                state, version, position = self._decider.initial, NO_STREAM, 0
            else:
                state, version, position = await self.load(stream_id)
            try:
                if expected_version is not None and expected_version != version:
                    raise ConcurrencyConflict(f"stream {stream_id} is at version {version}, not {expected_version}")
                decided = tuple(self._decider.decide(state, command))
            except DomainError:
                if (known := await self._known(request_id)) is not None:
                    return known
                raise
            if not decided:  # already done: nothing to append, the token is the stream's end
                known = await self._known(request_id)
                return known or CommandOutcome(stream_id, version, position, ())
            occurred = occurred_at(command, self._clock())
            new_events = [self._new_event(e, occurred, correlation_id, causation_id) for e in decided]
            try:
                result = await self._store.append(stream_id, self._decider.stream_type, version,
                                                  new_events, request_id=request_id)
            except WrongExpectedVersion:
                if expected_version is not None:
                    raise ConcurrencyConflict(f"stream {stream_id} changed concurrently") from None
                continue  # someone else wrote first: decide again on fresh state
            return _outcome(result, () if result.duplicate else decided, result.duplicate)
        raise ConcurrencyConflict(f"stream {stream_id} kept changing; retry the request")

    async def run(self, stream_id: str, command: C, meta: RequestMeta, *, assume_new: bool = False) -> CommandOutcome:
        """``handle`` with what the request brought (request id, expected version, correlation, causation)."""
        return await self.handle(stream_id, command, request_id=meta.request_id, expected_version=meta.expected,
                                 correlation_id=meta.correlation_id, causation_id=meta.causation_id,
                                 assume_new=assume_new)

    async def _known(self, request_id: str | None) -> CommandOutcome | None:
        if request_id is None:
            return None
        known = await self._store.lookup_request(request_id)
        return _outcome(known, (), duplicate=True) if known is not None else None

    def _new_event(self, event: DomainEvent, occurred: datetime, correlation_id: str | None,
                   causation_id: str | None) -> NewEvent:
        event_type, schema_version, data = self._registry.encode(event)
        return NewEvent(event_id=uuid.uuid4(), type=event_type, schema_version=schema_version,
                        data=data, occurred_at=occurred, correlation_id=correlation_id,
                        causation_id=causation_id)


class StreamLocks:
    """One asyncio.Lock per stream being written in this process, dropped once nobody holds it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, stream_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(stream_id) or (asyncio.Lock(), 0)
        self._locks[stream_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[stream_id]
            if users == 1:
                del self._locks[stream_id]
            else:
                self._locks[stream_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


def _outcome(result: AppendResult, events: Sequence[DomainEvent], duplicate: bool) -> CommandOutcome:
    return CommandOutcome(result.stream_id, result.version, result.position, tuple(events), duplicate)
