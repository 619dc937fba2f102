"""Deciding a batch of appends in memory, in queue order — shared by both stores.

Given the streams' current versions and the request ids already stored, each pending append
is either written (versions and position offsets assigned), refused (WrongExpectedVersion),
or answered as a duplicate of an earlier request. Earlier items win: two appends with
NO_STREAM to the same new stream in one batch -> the first is written, the second refused.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shared.eventstore.base import AppendResult, WrongExpectedVersion
from shared.events.envelope import NewEvent


@dataclass(slots=True, eq=False)
class PendingAppend:
    stream_id: str
    stream_type: str
    expected_version: int | None
    events: Sequence[NewEvent]
    request_id: str | None = None
    future: asyncio.Future[AppendResult] | None = None
    payloads: Sequence[str] = ()  # the events' data as JSON, encoded by the caller's task


@dataclass(slots=True)
class Write:
    """Events of one append get versions first_version.. and positions base+first_ordinal.."""

    item: PendingAppend
    first_version: int
    first_ordinal: int  # 1-based index of its first event among the batch's written events

    @property
    def last_version(self) -> int:
        return self.first_version + len(self.item.events) - 1

    @property
    def last_ordinal(self) -> int:
        return self.first_ordinal + len(self.item.events) - 1

    def result(self, base_position: int) -> AppendResult:
        return AppendResult(self.item.stream_id, self.last_version, base_position + self.last_ordinal)


@dataclass(slots=True)
class BatchPlan:
    writes: list[Write] = field(default_factory=list)
    # index in the batch -> a final answer (duplicate AppendResult or an exception)
    answers: dict[int, AppendResult | Exception] = field(default_factory=dict)
    # index in the batch -> the Write whose result it repeats (same request id, same batch)
    repeats: dict[int, Write] = field(default_factory=dict)
    event_count: int = 0

    def outcomes(self, items: Sequence[PendingAppend], base_position: int) -> list[AppendResult | Exception]:
        """Each item's answer once the writes are stored with positions base_position+1.."""
        results = {id(w.item): w.result(base_position) for w in self.writes}
        out: list[AppendResult | Exception] = []
        for index, item in enumerate(items):
            if index in self.answers:
                out.append(self.answers[index])
            elif index in self.repeats:
                first = results[id(self.repeats[index].item)]
                out.append(AppendResult(first.stream_id, first.version, first.position, duplicate=True))
            else:
                out.append(results[id(item)])
        return out


def plan_batch(items: Sequence[PendingAppend], versions: Mapping[str, int],
               known_requests: Mapping[str, AppendResult]) -> BatchPlan:
    """``versions``: stream -> current version (missing = no stream); ``known_requests``:
    request id -> its stored result (with duplicate=True)."""
    plan = BatchPlan()
    current = dict(versions)
    written_requests: dict[str, Write] = {}
    for index, item in enumerate(items):
        if item.request_id is not None:
            if item.request_id in known_requests:
                plan.answers[index] = known_requests[item.request_id]
                continue
            if item.request_id in written_requests:
                plan.repeats[index] = written_requests[item.request_id]
                continue
        actual = current.get(item.stream_id, 0)
        if item.expected_version is not None and item.expected_version != actual:
            plan.answers[index] = WrongExpectedVersion(item.stream_id, item.expected_version, actual)
            continue
        write = Write(item, actual + 1, plan.event_count + 1)
        plan.writes.append(write)
        plan.event_count += len(item.events)
        current[item.stream_id] = write.last_version
        if item.request_id is not None:
            written_requests[item.request_id] = write
    return plan


def check_events(events: Sequence[NewEvent]) -> None:
    if not events:
        raise ValueError("an append needs at least one event")
