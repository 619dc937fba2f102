"""Read-your-writes: wait until a projection's checkpoint for a source reaches a position.

Three ways a waiter learns that the checkpoint moved, fastest first:
- ``advance``: a runner in the same process calls it after each commit (ProjectionRunner
  wires its own waiters this way);
- LISTEN (give ``dsn`` and ``await start()``): the applier's checkpoint transaction sends
  ``pg_notify('lab27_checkpoints', '<projection>')``, delivered on commit; on a notification
  for its projection the waiter re-reads the checkpoint table on its dedicated connection.
  This is how an API process sees a projection applied by its worker process;
- polling: while anyone waits, a background task reads the checkpoint table every
  ``db_poll_interval`` s, or every ``fallback_poll_interval`` s while the LISTEN connection
  is up (a safety net for a notification lost with a dropped connection).
Waiters sit in a heap per source, so a commit resolves exactly those whose position is
reached and a thousand waiters cost nothing per commit.
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
from shared.waiting import event_set_within

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "lab27_checkpoints"  # payload: the projection's name (its schema)


class PositionWaiter:
    def __init__(self, pool: asyncpg.Pool, projection: str, db_poll_interval: float = 0.05, *,
                 dsn: str | None = None, fallback_poll_interval: float = 0.25,
                 reconnect_interval: float = 1.0) -> None:
        self.pool = pool
        self.projection = projection
        self.db_poll_interval = db_poll_interval
        self.dsn = dsn
        self.fallback_poll_interval = fallback_poll_interval
        self.reconnect_interval = reconnect_interval
        self.notifications = 0  # notifications received for this projection
        self._positions: dict[str, int] = {}
        self._waiting: dict[str, list[tuple[int, int, asyncio.Future[None]]]] = {}
        self._order = itertools.count()
        self._poller: asyncio.Task[None] | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self._listening = asyncio.Event()  # set while the LISTEN connection is up
        self._signal = asyncio.Event()  # a notification came, or the connection dropped
        self._lost = False
        self._wake_poller = asyncio.Event()

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    async def start(self, timeout: float = 10.0) -> None:
        """Read the checkpoints; with a ``dsn``, LISTEN too (returns once listening)."""
        if self.dsn is not None and self._listen_task is None:
            self._listen_task = asyncio.ensure_future(self._listen_forever())
            if not await event_set_within(self._listening, timeout):
                log.warning("waiter %s: not listening after %.1fs; polling meanwhile", self.projection, timeout)
        else:
            await self._refresh()

    async def stop(self) -> None:
        tasks = [t for t in (self._listen_task, self._poller) if t is not None]
        self._listen_task = self._poller = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close_listener()

    async def __aenter__(self) -> "PositionWaiter":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

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

    # -- polling ---------------------------------------------------------------------------

    def _anyone_waits(self) -> bool:
        return any(any(not f.done() for _, _, f in heap) for heap in self._waiting.values())

    def _ensure_poller(self) -> None:
        if self._poller is None or self._poller.done():
            self._poller = asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        """Reads the table while anyone waits (first read at once: maybe it is there already)."""
        while self._anyone_waits():
            try:
                await self._refresh()
            except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError, asyncpg.InternalClientError) as exc:
                log.debug("waiter %s: checkpoint read failed: %r", self.projection, exc)
            interval = self.fallback_poll_interval if self.listening else self.db_poll_interval
            self._wake_poller.clear()
            # Woken early when the LISTEN connection drops: poll fast from then on.
            await event_set_within(self._wake_poller, interval)
        for heap in self._waiting.values():  # drop timed-out waiters' leftovers
            heap[:] = [item for item in heap if not item[2].done()]
            heapq.heapify(heap)

    async def _refresh(self) -> None:
        async with self.pool.acquire() as conn:
            await self._read(conn)

    async def _read(self, conn: asyncpg.Connection) -> None:
        try:
            checkpoints = await schema.load_checkpoints(conn, self.projection)
        except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
            return  # not installed yet (its worker has not started): nothing applied
        for name, value in checkpoints.items():
            self.advance(name, value)

    # -- LISTEN ----------------------------------------------------------------------------

    async def _listen_forever(self) -> None:
        """Keep one LISTEN connection; after a reconnect, re-read (notifications were missed)."""
        assert self.dsn is not None
        while True:
            try:
                self._lost = False
                self._signal.clear()
                conn = await asyncpg.connect(self.dsn, timeout=10)
                self._listener = conn
                conn.add_termination_listener(lambda _c: self._on_lost())
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                await self._read(conn)
                self._listening.set()
                log.debug("waiter %s: listening on %s", self.projection, NOTIFY_CHANNEL)
                await self._serve(conn)
            except asyncio.CancelledError:
                raise
            # InternalClientError: a connection Postgres dropped as it crashed (shared.db).
            except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                    asyncio.TimeoutError) as exc:
                log.warning("waiter %s: LISTEN connection failed: %r; retrying in %.1fs",
                            self.projection, exc, self.reconnect_interval)
            finally:
                self._listening.clear()
                self._wake_poller.set()
                await self._close_listener()
            await asyncio.sleep(self.reconnect_interval)

    async def _serve(self, conn: asyncpg.Connection) -> None:
        """Re-read on each notification; notifications that arrive meanwhile coalesce."""
        while True:
            await self._signal.wait()
            self._signal.clear()
            if self._lost or conn.is_closed():
                return
            await self._read(conn)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == self.projection:
            self.notifications += 1
            self._signal.set()

    def _on_lost(self) -> None:
        self._lost = True
        self._signal.set()

    async def _close_listener(self) -> None:
        conn, self._listener = self._listener, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)
