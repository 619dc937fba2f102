"""Read-your-writes: wait until a projection's checkpoint for a source reaches a position.

The runner in this process calls ``advance`` after each commit, which resolves exactly the
waiters whose position is now reached (a heap per source, so a thousand waiters cost
nothing per commit). While anyone waits, one background task also reads the checkpoint
table every ``db_poll_interval``: that covers a projection applied by another process.
"""
from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging

import asyncpg

from shared.domain.errors import Unavailable
from shared.projections import schema

log = logging.getLogger(__name__)


class PositionWaiter:
    def __init__(self, pool: asyncpg.Pool, projection: str, db_poll_interval: float = 0.05) -> None:
        self.pool = pool
        self.projection = projection
        self.db_poll_interval = db_poll_interval
        self._positions: dict[str, int] = {}
        self._waiting: dict[str, list[tuple[int, int, asyncio.Future[None]]]] = {}
        self._order = itertools.count()
        self._poller: asyncio.Task[None] | None = None

    def position(self, source: str) -> int:
        return self._positions.get(source, 0)

    def advance(self, source: str, position: int) -> None:
        if position <= self._positions.get(source, 0):
            return
        self._positions[source] = position
        heap = self._waiting.get(source)
        while heap and heap[0][0] <= position:
            future = heapq.heappop(heap)[2]
            if not future.done():
                future.set_result(None)

    async def wait_for(self, source: str, position: int, timeout: float) -> None:
        """Return once ``checkpoint[source] >= position``; raise Unavailable after ``timeout`` s."""
        if self._positions.get(source, 0) >= position:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting.setdefault(source, []), (position, next(self._order), future))
        self._ensure_poller()
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise Unavailable(
                f"read model {self.projection} is at {self._positions.get(source, 0)} of {source}, "
                f"not yet at {position}; retry"
            ) from None

    def _ensure_poller(self) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        """Reads the table while anyone waits (first read at once: maybe it is there already)."""
        while any(any(not f.done() for _, _, f in heap) for heap in self._waiting.values()):
            try:
                await self._refresh()
            except (asyncpg.PostgresError, OSError) as exc:
                log.debug("waiter %s: checkpoint read failed: %r", self.projection, exc)
            await asyncio.sleep(self.db_poll_interval)
        for heap in self._waiting.values():  # drop timed-out waiters' leftovers
            heap[:] = [item for item in heap if not item[2].done()]
            heapq.heapify(heap)

    async def _refresh(self, *_: object) -> None:
        async with self.pool.acquire() as conn:
            checkpoints = await schema.load_checkpoints(conn, self.projection)
        for name, value in checkpoints.items():
            self.advance(name, value)

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
