"""The bookings application on the real store and read models, without the broker: what the
worker does (relay -> topic -> projection) is done here by applying the store's events to the
venue read model through its declared functions (the kit's apply_events), and membership's
events to the local view as membership would publish them. The waits are the kit's
PositionWaiter over the read models' checkpoints, as in the service."""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg

from services.bookings.application.commands import BookingsCommands
from services.bookings.application.facts import VenueFacts
from services.bookings.projections.collective import COLLECTIVE_MEMBERS
from services.bookings.projections.venue import VENUE
from shared.application.business_time import occurred_at
from shared.contracts.membership import MemberAdmitted, MemberEvent, MemberKind, MemberLeft, Scheme, identity_key, member_id_for
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import PositionWaiter, ReadModel, schema
from shared.projections.applier import apply_events, meta_of
from shared.projections.readmodel import EventMeta
from shared.projections.tables import shapes_of
from shared.projections.tokens import TokenWaits
from shared.settings import events_topic
from tests.integration.test_relay_projection import open_store

BOOKINGS_TOPIC = events_topic("bookings")
MEMBERSHIP_TOPIC = events_topic("membership")
WAIT_SECONDS = 5.0


async def install(pool: asyncpg.Pool, *models: ReadModel) -> None:
    async with pool.acquire() as conn:
        for model in models:
            await schema.install(conn, model.name, model.ddl_text())


async def apply(pool: asyncpg.Pool, model: ReadModel, source: str, items: list[tuple[object, EventMeta]]) -> int:
    """Apply the events past the checkpoint of ``source`` and move it, in one transaction (as
    the worker's applier does); returns the checkpoint."""
    async with pool.acquire() as conn, conn.transaction():
        checkpoint = (await schema.load_checkpoints(conn, model.name, lock=True)).get(source, 0)
        items = [(event, meta) for event, meta in items if meta.position > checkpoint]
        if not items:
            return checkpoint
        shapes = await shapes_of(conn, model.name, model.tables)
        failed = await apply_events(conn, model, model.name, shapes, items)
        assert not failed, failed
        await schema.save_checkpoints(conn, model.name, {source: items[-1][1].position})
        return items[-1][1].position


class Waiters:
    """The service's bounded waits (the kit's TokenWaits) over the read models' checkpoints."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        models = (VENUE, COLLECTIVE_MEMBERS)
        self.by_model = {m.name: PositionWaiter(pool, m.name, db_poll_interval=0.01) for m in models}
        self.consistency = TokenWaits(BOOKINGS_TOPIC, {m.name: m.topics for m in models}, {}, self.by_model,
                                      WAIT_SECONDS)

    async def stop(self) -> None:
        for waiter in self.by_model.values():
            await waiter.stop()


class VenueFeed:
    """Applies what the store holds to the venue read model, every few milliseconds."""

    def __init__(self, pool: asyncpg.Pool, store: PostgresEventStore, waiter: PositionWaiter) -> None:
        self.pool, self.store, self.waiter = pool, store, waiter
        self.registry = VENUE.sources[BOOKINGS_TOPIC]
        self.position = 0
        self.paused = False  # a worker that lags: nothing more is applied while set
        self._lock = asyncio.Lock()

    async def pause(self) -> None:
        """From now on nothing is applied until ``paused`` is cleared (an apply under way ends first)."""
        self.paused = True
        async with self._lock:
            pass

    async def catch_up(self) -> None:
        async with self._lock:
            await self._catch_up()

    async def _catch_up(self) -> None:
        while envelopes := await self.store.read_all(self.position, 1000):
            items = [(self.registry.decode(e.type, e.schema_version, e.data), meta_of(e)) for e in envelopes]
            self.position = envelopes[-1].position
            self.waiter.advance(BOOKINGS_TOPIC, await apply(self.pool, VENUE, BOOKINGS_TOPIC, items))

    async def run(self) -> None:
        while True:
            async with self._lock:
                if not self.paused:
                    await self._catch_up()
            await asyncio.sleep(0.005)


class Collective:
    """Membership's side: admits and removes organisations of the collective in the local view,
    as lab27.membership.events would deliver them; each returns the position it was published at."""

    def __init__(self, pool: asyncpg.Pool, waiter: PositionWaiter) -> None:
        self.pool, self.waiter = pool, waiter
        self._positions = itertools.count(1)
        self._versions: dict[UUID, int] = {}
        self._pending: list[tuple[MemberEvent, EventMeta]] = []

    @staticmethod
    def member_id(name: str):
        return member_id_for(Scheme.HALLES_CIVIQUES, identity_key(name, None))

    async def admit(self, name: str, on: date = date(2018, 3, 1), *, deliver: bool = True) -> int:
        member = self.member_id(name)
        event = MemberAdmitted(member_id=member, scheme=Scheme.HALLES_CIVIQUES, kind=MemberKind.ASSOCIATION, name=name,
                               siren=None, identity_key=identity_key(name, None), territory="Paris", contacts=(),
                               admitted_on=on, dues_paid_until=on.year)
        return await self._publish(event, deliver)

    async def leave(self, name: str, reason: str, on: date) -> int:
        event = MemberLeft(member_id=self.member_id(name), scheme=Scheme.HALLES_CIVIQUES, reason=reason, on=on)
        return await self._publish(event, True)

    async def _publish(self, event: MemberEvent, deliver: bool) -> int:
        position = next(self._positions)
        version = self._versions[event.member_id] = self._versions.get(event.member_id, 0) + 1
        # occurred_at as membership's handler sets it: the business instant of the command's date.
        named = getattr(event, "on", None) or getattr(event, "admitted_on", None)
        when = occurred_at(SimpleNamespace(effective_time=lambda: named), datetime.now(UTC))
        self._pending.append((event, EventMeta(str(event.member_id), version, position, when,
                                               uuid.uuid4(), event.event_type)))
        if deliver:
            await self.deliver()
        return position

    async def deliver(self) -> None:
        """Apply what was published and not yet delivered (a view that had not heard of it hears now)."""
        pending, self._pending = self._pending, []
        self.waiter.advance(MEMBERSHIP_TOPIC, await apply(self.pool, COLLECTIVE_MEMBERS, MEMBERSHIP_TOPIC, pending))


@dataclass
class BookingsApp:
    pool: asyncpg.Pool
    store: PostgresEventStore
    commands: BookingsCommands
    waiters: Waiters
    venue: VenueFeed
    collective: Collective


@contextlib.asynccontextmanager
async def bookings_app(dsn: str, *, feed: bool = True, max_size: int = 8) -> AsyncIterator[BookingsApp]:
    """One instance of the service's application layer on the database ``dsn`` (its own store,
    pool and command handlers, as a process has), with the read models kept up to date."""
    store = await open_store(dsn, "bookings", max_size=max_size)
    pool = await create_pool(dsn, max_size=4)
    await install(pool, VENUE, COLLECTIVE_MEMBERS)
    waiters = Waiters(pool)
    facts = VenueFacts(pool, store, waiters.consistency, BOOKINGS_TOPIC)
    app = BookingsApp(pool, store, BookingsCommands(store, facts), waiters,
                      VenueFeed(pool, store, waiters.by_model[VENUE.name]),
                      Collective(pool, waiters.by_model[COLLECTIVE_MEMBERS.name]))
    task = asyncio.ensure_future(app.venue.run()) if feed else None
    try:
        yield app
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await waiters.stop()
        await pool.close()
        await store.close()
