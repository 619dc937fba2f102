"""Reactions, local views and tokens across services, with a small publisher and a small
consumer made here (the kit knows no service).

The publisher stores Joined / Departed events of members and relays them to its topic. The
consumer is a whole service runtime (ROLE=all) with:
- a local view of the publisher's members (a read model of the publisher's topic);
- tasks, each for one member: OpenTask (refused unless the member is in the view), HoldTask,
  CloseTask, and a read model of them;
- a reaction: a member departed -> hold each of its open tasks, an already held task being
  expected (nothing to do) and a closed one an anomaly.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

import asyncpg
import pytest
from pydantic import BaseModel

from shared import cli
from shared.application.command_handler import CommandHandler, CommandOutcome
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.db import create_pool
from shared.domain.errors import NotFound, PreconditionFailed, Unavailable
from shared.events.base import DomainEvent
from shared.events.envelope import NewEvent
from shared.events.registry import EventRegistry
from shared.kafka import producer
from shared.projections import EventMeta, ReadModel, Row, Table
from shared.reactions import Reaction, ReactionContext
from shared.relay import Relay
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings, events_topic
from tests._db import create_database, database_dsn, drop_database
from tests.integration.test_faults_broker import read_all_records

pytestmark = pytest.mark.integration


# --- the publisher's contract -------------------------------------------------------------------

class Joined(DomainEvent):
    event_type: ClassVar[str] = "pub.Joined"
    member: str


class Departed(DomainEvent):
    event_type: ClassVar[str] = "pub.Departed"
    member: str


def publisher_registry() -> EventRegistry:
    return EventRegistry([Joined, Departed])


# --- the consumer ---------------------------------------------------------------------------------

class TaskOpened(DomainEvent):
    event_type: ClassVar[str] = "con.TaskOpened"
    task: str
    member: str


class TaskHeld(DomainEvent):
    event_type: ClassVar[str] = "con.TaskHeld"
    task: str


class TaskClosed(DomainEvent):
    event_type: ClassVar[str] = "con.TaskClosed"
    task: str


class Greeted(DomainEvent):
    """Not idempotent in the domain: each Greet stores one more. Only the request id keeps a
    redelivered Joined from greeting twice."""

    event_type: ClassVar[str] = "con.Greeted"
    member: str


class AlreadyHeld(PreconditionFailed):
    pass


class TaskIsClosed(PreconditionFailed):
    pass


class OpenTask(BaseModel):
    task: str
    member: str
    member_known: bool = False  # the outside fact, filled in from the local view


class HoldTask(BaseModel):
    task: str


class CloseTask(BaseModel):
    task: str


class Greet(BaseModel):
    member: str

    @property
    def task(self) -> str:  # the stream it goes to
        return f"greetings-{self.member}"


def decide(state: str | None, command: BaseModel) -> list[DomainEvent]:
    match command:
        case OpenTask(task=task, member=member, member_known=known):
            if not known:
                raise PreconditionFailed(f"member {member} is not known here")
            return [] if state else [TaskOpened(task=task, member=member)]
        case HoldTask(task=task):
            if state is None:
                raise NotFound(task)
            if state == "closed":
                raise TaskIsClosed(f"task {task} is closed")
            if state == "held":
                raise AlreadyHeld(f"task {task} is held already")
            return [TaskHeld(task=task)]
        case CloseTask(task=task):
            return [] if state == "closed" else [TaskClosed(task=task)]
        case Greet(member=member):
            return [Greeted(member=member)]
    raise TypeError(command)


def evolve(state: str | None, event: DomainEvent) -> str | None:
    return {"con.TaskOpened": "open", "con.TaskHeld": "held", "con.TaskClosed": "closed",
            "con.Greeted": "greeted"}[event.event_type]


TASKS = Decider("con.Task", None, evolve, decide)
members = Table("members", key="member")
tasks = Table("tasks", key="task")


@members.on(Joined, Departed)
def membership(row: Row | None, e: Joined | Departed, meta: EventMeta) -> Row:
    return {"member": e.member, "present": isinstance(e, Joined)}


@tasks.on(TaskOpened, TaskHeld, TaskClosed)
def task_state(row: Row | None, e: DomainEvent, meta: EventMeta) -> Row:
    member = e.member if isinstance(e, TaskOpened) else row["member"]
    return {"task": e.task, "member": member, "state": evolve(None, e)}


class Commands:
    def __init__(self, infra: Infrastructure) -> None:
        self.infra = infra
        self.handler = CommandHandler(infra.store, EventRegistry([TaskOpened, TaskHeld, TaskClosed, Greeted]), TASKS)

    async def execute(self, command: BaseModel, meta: RequestMeta = RequestMeta()) -> tuple[str, CommandOutcome]:
        if isinstance(command, OpenTask):
            await self.infra.consistency.for_command(meta.after)  # the view holds what the token names
            known = await self.infra.pool.fetchval("SELECT present FROM con_members.members WHERE member = $1",
                                                   command.member)
            command = command.model_copy(update={"member_known": bool(known)})
        return command.task, await self.handler.run(command.task, command, meta)


async def hold_tasks(ctx: ReactionContext, e: Departed, meta: EventMeta) -> None:
    """Every task of a departed member goes on hold; one held already is nothing to do, and a
    closed one is an anomaly (closed while its member was still there: an operator looks)."""
    pool = await ctx.read("con_tasks")
    for task in await pool.fetch("SELECT task FROM con_tasks.tasks WHERE member = $1 ORDER BY task", e.member):
        await ctx.execute(HoldTask(task=task["task"]), key=task["task"], expected=(AlreadyHeld,))


async def greet(ctx: ReactionContext, e: Joined, meta: EventMeta) -> None:
    await ctx.execute(Greet(member=e.member))


@dataclass
class World:
    publisher: str  # the publisher's service name
    store_dsn: str
    consumer: ServiceRuntime
    relay: Relay
    pub_pool: asyncpg.Pool

    @property
    def topic(self) -> str:
        return events_topic(self.publisher)

    @property
    def commands(self) -> Commands:
        return self.consumer.infra.commands

    async def publish(self, event: DomainEvent) -> int:
        """Store ``event`` at the publisher; its position (what a token names)."""
        from shared.eventstore.postgres import PostgresEventStore

        store = PostgresEventStore(self.pub_pool, self.publisher)
        event_type, version, data = publisher_registry().encode(event)
        result = await store.append(event.member, "pub.Member", None, [NewEvent(
            event_id=uuid.uuid4(), type=event_type, schema_version=version, data=data,
            occurred_at=datetime.now(UTC))])
        await store.close()
        return result.position

    async def task_rows(self, token: dict[str, int] | None = None) -> dict[str, str]:
        await self.consumer.infra.consistency.for_query("con_tasks", token or {})
        rows = await self.consumer.infra.pool.fetch("SELECT task, state FROM con_tasks.tasks")
        return {r["task"]: r["state"] for r in rows}

    async def consumer_events(self) -> int:
        return await self.consumer.infra.pool.fetchval("SELECT count(*) FROM events")


@pytest.fixture
async def world(stack, fresh_dsn: str, kafka_bootstrap: str) -> AsyncIterator[World]:
    publisher = f"pub{uuid.uuid4().hex[:8]}"
    admin = database_dsn(fresh_dsn, "postgres")
    consumer_db = f"t_{uuid.uuid4().hex[:12]}"
    await create_database(admin, consumer_db)
    pub_pool = await create_pool(fresh_dsn, max_size=3)
    from shared.eventstore.schema import setup_schema

    await setup_schema(pub_pool)
    view = ReadModel("con_members", "CREATE TABLE IF NOT EXISTS members (member text PRIMARY KEY, present bool NOT NULL)",
                     {events_topic(publisher): publisher_registry()}, (members,))
    own = ReadModel("con_tasks", "CREATE TABLE IF NOT EXISTS tasks (task text PRIMARY KEY, member text NOT NULL, "
                    "state text NOT NULL)",
                    {events_topic("con"): EventRegistry([TaskOpened, TaskHeld, TaskClosed, Greeted])}, (tasks,))
    reaction = Reaction("con_holds", {events_topic(publisher): publisher_registry()},
                        {Departed.event_type: hold_tasks, Joined.event_type: greet})
    settings = ServiceSettings(service_name=f"con{uuid.uuid4().hex[:8]}", role="all", grpc_port=0,
                               postgres_dsn=database_dsn(admin, consumer_db), kafka_bootstrap_servers=kafka_bootstrap,
                               consistency_wait_ms=5000)
    runtime = ServiceRuntime(settings, ServiceParts("con", projections=[view, own], api=lambda infra: ([], []),
                                                    reactions=[reaction], commands=Commands))
    relay = Relay(fresh_dsn, kafka_bootstrap, publisher)
    await relay.start()
    await runtime.start()
    try:
        yield World(publisher, fresh_dsn, runtime, relay, pub_pool)
    finally:
        await runtime.stop()
        await relay.stop()
        await pub_pool.close()
        await drop_database(admin, consumer_db)


def meta(token: dict[str, int] | None = None, request_id: str | None = None) -> RequestMeta:
    return RequestMeta(request_id=request_id, consistency_token=token or {})


async def test_a_command_carrying_a_foreign_token_decides_on_what_the_token_names(world: World) -> None:
    joined = await world.publish(Joined(member="ada"))
    # Sent at once: without waiting for its view, the consumer would not know ada yet.
    _task, outcome = await world.commands.execute(OpenTask(task="t1", member="ada"), meta({world.topic: joined}))
    assert outcome.events == (TaskOpened(task="t1", member="ada"),)
    with pytest.raises(Unavailable):  # a token naming a position never reached: bounded wait
        world.consumer.infra.consistency.timeout = 0.3
        await world.commands.execute(OpenTask(task="t2", member="ada"), meta({world.topic: joined + 1000}))
    with pytest.raises(PreconditionFailed):
        await world.commands.execute(OpenTask(task="t3", member="bob"), meta({world.topic: joined}))


async def test_a_reaction_acts_once_and_a_query_with_the_publishers_token_sees_it(world: World) -> None:
    position = await world.publish(Joined(member="ada"))
    for task in ("t1", "t2", "t3"):
        await world.commands.execute(OpenTask(task=task, member="ada"), meta({world.topic: position}))
    await world.commands.execute(CloseTask(task="t3"))
    departed = await world.publish(Departed(member="ada"))
    token = {world.topic: departed}
    assert await world.task_rows(token) == {"t1": "held", "t2": "held", "t3": "closed"}
    reactions = world.consumer.infra.projections.appliers["con_holds"]
    events_after_first = await world.consumer_events()
    assert (reactions.commands, reactions.expected_refusals) == (3, 0)  # ada greeted, t1 and t2 held

    # Departed again: both tasks are held already, which the reaction expects (nothing to do).
    again = await world.publish(Departed(member="ada"))
    await world.task_rows({world.topic: again})
    assert (reactions.commands, reactions.expected_refusals) == (3, 2)
    # Replayed from the beginning: nothing new is stored.
    pool = world.consumer.infra.pool
    await pool.execute("DELETE FROM con_holds.checkpoint")  # forget it all: the next record shows a gap
    last = await world.publish(Joined(member="bob"))
    await world.task_rows({world.topic: last})
    assert await world.consumer_events() == events_after_first + 1  # bob's greeting, once
    assert await world.task_rows() == {"t1": "held", "t2": "held", "t3": "closed"}
    assert reactions.commands == 4  # ada greeted, t1 and t2 held, then bob greeted: nothing again
    greetings = await pool.fetch("SELECT stream_id, count(*) FROM events WHERE type = 'con.Greeted' GROUP BY 1")
    assert {r[0]: r[1] for r in greetings} == {"greetings-ada": 1, "greetings-bob": 1}


async def test_an_unexpected_refusal_is_an_anomaly_kept_once_for_the_operator(world: World, capsys) -> None:
    position = await world.publish(Joined(member="eve"))
    await world.commands.execute(OpenTask(task="e1", member="eve"), meta({world.topic: position}))
    await world.commands.execute(CloseTask(task="e1"))
    departed = await world.publish(Departed(member="eve"))
    await world.task_rows({world.topic: departed})
    reactions = world.consumer.infra.projections.appliers["con_holds"]
    pool = world.consumer.infra.pool
    rows = await pool.fetch("SELECT key, code, source, position, event_type, command FROM con_holds.anomalies")
    assert [(r["key"], r["code"], r["source"], r["position"], r["event_type"]) for r in rows] == [
        ("e1", "TaskIsClosed", world.topic, departed, Departed.event_type)]
    assert rows[0]["command"].startswith("HoldTask")
    assert reactions.anomalies == 1
    # Replayed, it is found kept already: not counted or kept again, and not retried forever.
    await pool.execute("DELETE FROM con_holds.checkpoint")
    last = await world.publish(Joined(member="zoe"))
    await world.task_rows({world.topic: last})
    assert await pool.fetchval("SELECT count(*) FROM con_holds.anomalies") == 1
    assert reactions.anomalies == 1
    # What an operator lists: `lab27 anomalies`.
    assert await cli.run(["anomalies", "--dsn", world.consumer.settings.postgres_dsn]) == 0
    [line] = capsys.readouterr().out.splitlines()
    listed = json.loads(line)
    assert (listed["reaction"], listed["key"], listed["code"]) == ("con_holds", "e1", "TaskIsClosed")


async def test_a_poison_record_goes_to_the_dlq_and_the_reaction_goes_on(world: World, kafka_bootstrap: str) -> None:
    position = await world.publish(Joined(member="kim"))
    await world.commands.execute(OpenTask(task="k1", member="kim"), meta({world.topic: position}))
    await world.relay.wait_published(position)
    send = producer(kafka_bootstrap)
    await send.start()
    await send.send_and_wait(world.topic, b"\x00not an envelope", b"kim", partition=0)
    await send.stop()
    departed = await world.publish(Departed(member="kim"))
    assert await world.task_rows({world.topic: departed}) == {"k1": "held"}
    dlq = await read_all_records(kafka_bootstrap, f"lab27.{world.consumer.settings.service_name}.dlq", expect=2)
    consumers = sorted(dict((k, v.decode()) for k, v in r.headers)["projection"] for r in dlq)
    assert consumers == ["con_holds", "con_members"]  # each consumer dead-letters it once
    assert all(r.value == b"\x00not an envelope" for r in dlq)


async def test_a_token_of_a_topic_nothing_here_reads_is_not_waited_for(world: World) -> None:
    world.consumer.infra.consistency.timeout = 0.2
    await world.consumer.infra.consistency.for_query("con_tasks", {"lab27.elsewhere.events": 10**9})
    await world.consumer.infra.consistency.for_command({"lab27.elsewhere.events": 10**9})
    await asyncio.sleep(0)
