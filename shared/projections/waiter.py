"""Read-your-writes: wait until a projection's checkpoint for a source reaches a position.

The runner in this process calls ``advance`` after each commit, which wakes waiters at
once; a periodic look at the checkpoint table covers a projection applied by another
process (or a waiter created after the fact).
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import asyncpg

from shared.domain.errors import Unavailable
from shared.projections import schema


class PositionWaiter:
    def __init__(self, pool: asyncpg.Pool, projection: str, db_poll_interval: float = 0.05) -> None:
        self.pool = pool
        self.projection = projection
        self.db_poll_interval = db_poll_interval
        self._positions: dict[str, int] = {}
        self._changed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def advance(self, source: str, position: int) -> None:
        if position > self._positions.get(source, 0):
            self._positions[source] = position
            event = self._changed.pop(source, None)
            if event is not None:
                event.set()

    def position(self, source: str) -> int:
        return self._positions.get(source, 0)

    async def wait_for(self, source: str, position: int, timeout: float) -> None:
        """Return once ``checkpoint[source] >= position``; raise Unavailable after ``timeout`` s."""
        if self._positions.get(source, 0) >= position:
            return
        deadline = time.monotonic() + timeout
        next_db_check = 0.0
        while True:
            now = time.monotonic()
            if now >= next_db_check:
                await self._refresh(source)
                next_db_check = now + self.db_poll_interval
            if self._positions.get(source, 0) >= position:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Unavailable(
                    f"read model {self.projection} is at {self._positions.get(source, 0)} of {source}, "
                    f"not yet at {position}; retry"
                )
            try:
                await asyncio.wait_for(self._changed[source].wait(), min(remaining, self.db_poll_interval))
            except asyncio.TimeoutError:
                pass

    async def _refresh(self, source: str) -> None:
        async with self.pool.acquire() as conn:
            checkpoints = await schema.load_checkpoints(conn, self.projection)
        for name, value in checkpoints.items():
            self.advance(name, value)
