"""The in-memory event store: the same contract as Postgres, for unit tests and tools."""
from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from shared.eventstore.base import AppendResult, Snapshot, pages
from shared.eventstore.batch import PendingAppend, check_events, plan_batch
from shared.events.envelope import Envelope, NewEvent


class InMemoryEventStore:
    def __init__(self, producer: str = "memory") -> None:
        self.producer = producer
        self._lock = asyncio.Lock()
        self._events: list[Envelope] = []  # index i holds position i + 1
        self._streams: dict[str, list[Envelope]] = {}
        self._requests: dict[str, AppendResult] = {}
        self._snapshots: dict[str, Snapshot] = {}

    async def append(self, stream_id: str, stream_type: str, expected_version: int | None,
                     events: Sequence[NewEvent], request_id: str | None = None) -> AppendResult:
        check_events(events)
        item = PendingAppend(stream_id, stream_type, expected_version, events, request_id)
        async with self._lock:
            stream = self._streams.get(stream_id)
            versions = {stream_id: stream[-1].version} if stream else {}
            plan = plan_batch([item], versions, self._requests)
            base_position = len(self._events)
            if plan.writes:
                self._write(plan.writes[0].first_version, item)
            outcome = plan.outcomes([item], base_position)[0]
            if plan.writes and request_id is not None:
                self._requests[request_id] = replace(outcome, duplicate=True)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _write(self, first_version: int, item: PendingAppend) -> None:
        recorded_at = datetime.now(UTC)
        stream = self._streams.setdefault(item.stream_id, [])
        for offset, event in enumerate(item.events):
            envelope = Envelope(
                event_id=event.event_id, type=event.type, schema_version=event.schema_version,
                stream_id=item.stream_id, stream_type=item.stream_type,
                version=first_version + offset, position=len(self._events) + 1,
                occurred_at=event.occurred_at, recorded_at=recorded_at,
                correlation_id=event.correlation_id, causation_id=event.causation_id,
                producer=self.producer, data=event.data)
            self._events.append(envelope)
            stream.append(envelope)

    async def lookup_request(self, request_id: str) -> AppendResult | None:
        return self._requests.get(request_id)

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[Envelope]:
        return [e for e in self._streams.get(stream_id, ()) if e.version >= from_version]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]:
        start = max(after_position, 0)
        return self._events[start:start + limit]

    def iter_batches(self, after_position: int = 0, batch_size: int = 1000) -> AsyncIterator[list[Envelope]]:
        return pages(self.read_all, after_position, batch_size)

    async def last_position(self) -> int:
        return len(self._events)

    async def save_snapshot(self, snapshot: Snapshot) -> None:
        known = self._snapshots.get(snapshot.stream_id)
        if known is None or known.version <= snapshot.version:
            # a copy, as a database would keep: the caller may go on mutating its state
            self._snapshots[snapshot.stream_id] = Snapshot(snapshot.stream_id, snapshot.version,
                                                           copy.deepcopy(snapshot.state))

    async def load_snapshot(self, stream_id: str) -> Snapshot | None:
        return self._snapshots.get(stream_id)
