"""The event store contract, shared by the Postgres and in-memory implementations.

Invariants every implementation keeps (tests/integration/test_store_contract.py):
- ``UNIQUE (stream_id, version)``: an append with the wrong expected version raises
  WrongExpectedVersion and writes nothing.
- positions are global, increasing and *commit-ordered*: once a reader has seen position
  p, no event with a position below p can become visible later.
- a request id is stored with its events; appending the same request id again writes
  nothing and returns the first AppendResult (with ``duplicate=True``).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.events.envelope import Envelope, NewEvent

NO_STREAM = 0  # expected_version for a stream that must not exist yet
ANY_VERSION = None  # expected_version that skips the concurrency check


class WrongExpectedVersion(Exception):
    def __init__(self, stream_id: str, expected: int | None, actual: int) -> None:
        super().__init__(f"stream {stream_id!r}: expected version {expected}, actual {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class AppendResult:
    stream_id: str
    version: int  # the stream's version after the append
    position: int  # global position of the last event written (the consistency token)
    duplicate: bool = False  # True when a retried request id returned the first result


@dataclass(frozen=True)
class Snapshot:
    stream_id: str
    version: int
    state: dict[str, Any]


class EventStore(Protocol):
    producer: str

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        request_id: str | None = None,
    ) -> AppendResult: ...

    async def lookup_request(self, request_id: str) -> AppendResult | None:
        """The first result of an already-stored request id (duplicate=True), else None."""
        ...

    async def read_stream(self, stream_id: str, from_version: int = 1) -> list[Envelope]: ...

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[Envelope]: ...

    def iter_batches(self, after_position: int = 0,
                     batch_size: int = 1000) -> AsyncIterator[list[Envelope]]:
        """Every event after ``after_position`` in position order, as lists of at most
        ``batch_size`` envelopes, until a read finds nothing more (for
        rebuilds, exports and the relay)."""
        ...

    async def last_position(self) -> int: ...

    async def save_snapshot(self, snapshot: Snapshot) -> None: ...

    async def load_snapshot(self, stream_id: str) -> Snapshot | None: ...


async def pages(read_all: Callable[[int, int], Awaitable[list[Envelope]]], after_position: int,
                batch_size: int) -> AsyncIterator[list[Envelope]]:
    """Every event after ``after_position``, ``batch_size`` at a time (for iter_batches)."""
    while batch := await read_all(after_position, batch_size):
        yield batch
        after_position = batch[-1].position
