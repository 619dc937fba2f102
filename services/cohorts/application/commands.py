"""Cohorts commands: pick the stream, look up the outside facts, seal personal data, then
load -> decide -> append.

- OpenCohort draws a new cohort id (uuid4); a retry with the same request id answers with
  the first cohort's id (the store knows the request id).
- OpenCohort and ResumeCohort read the host's standing from the local view of membership,
  after waiting (bounded) until the view has applied the membership positions the
  request's consistency token names: a host admitted a moment ago is known.
- An enrolment arrives with the agent's details in clear (:class:`EnrolAgentInput`); they
  are sealed with the agent's key before the decider sees them, and a key made for an
  enrolment the decider refuses is dropped again.
- ForgetAgent destroys the agent's key first, then records AgentForgotten: should the
  second step fail, the data is already unreadable and a retry records the event.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from uuid import UUID, uuid4

import asyncpg
from pydantic import Field

from shared.application.command_handler import CommandHandler, CommandOutcome, StreamLocks
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.contracts.cohorts import STREAM_TYPE, AgentEnrolled, cohorts_registry
from shared.domain.errors import DomainError
from shared.domain.fields import BusinessDate, Command, Email, Name
from shared.eventstore.base import EventStore
from services.cohorts.application.hosts import host_standing
from services.cohorts.application.personal_data import AgentDetails, AgentKeys
from services.cohorts.domain import (
    CohortCommand,
    EnrolAgent,
    ForgetAgent,
    HostStanding,
    OpenCohort,
    ResumeCohort,
    WithFacts,
    decide,
    evolve,
    initial,
)
from services.cohorts.domain.commands import CategoryField
from services.cohorts.domain.fields import Department

COHORT_DECIDER: Decider = Decider(STREAM_TYPE, initial, evolve, decide)

# Waits (bounded) until every local view of another service's topic has applied the positions
# a request's token names (shared.projections.tokens.TokenWaits.for_command).
WaitForViews = Callable[[Mapping[str, int]], Awaitable[None]]


class EnrolAgentInput(Command):
    """An enrolment as a client sends it: the agent's name and email in clear. Never stored
    or logged as such (``repr`` hides them); CohortCommands seals them into an EnrolAgent."""

    effective = "enrolled_on"

    cohort_id: UUID
    category: CategoryField
    home_department: Department
    name: Name = Field(repr=False)
    email: Email | None = Field(None, repr=False)
    enrolled_on: BusinessDate

    def details(self) -> AgentDetails:
        return AgentDetails(name=self.name, email=self.email)


CohortInput = CohortCommand | EnrolAgentInput


# What a command did: the id it created or addressed (the agent's for an enrolment, else the
# cohort's) and what was stored; the shape every service's execute returns (shared.reactions).
Executed = tuple[UUID | None, CommandOutcome]


class CohortCommands:
    def __init__(self, store: EventStore, pool: asyncpg.Pool, *, wait_for_views: WaitForViews | None = None) -> None:
        """``pool``: the cohorts database (local view of membership, agent keys);
        ``wait_for_views``: the bounded wait for a token (None: decide on the view as it is)."""
        self._store = store
        self._handler = CommandHandler(store, cohorts_registry(), COHORT_DECIDER)
        self._pool = pool
        self.keys = AgentKeys(pool)
        self._wait_for_views = wait_for_views
        self._enrolments = StreamLocks()

    async def execute(self, command: CohortInput, meta: RequestMeta = RequestMeta()) -> Executed:
        match command:
            case OpenCohort():
                return await self._open(command, meta)
            case EnrolAgentInput():
                return await self._enrol(command, meta)
            case ResumeCohort():
                return await self._resume(command, meta)
            case ForgetAgent():
                return await self._forget(command, meta)
        return command.cohort_id, await self._handler.run(str(command.cohort_id), command, meta)

    async def _standing(self, host_member_id: UUID, meta: RequestMeta) -> HostStanding:
        if self._wait_for_views is not None and meta.after:
            await self._wait_for_views(meta.after)
        return await host_standing(self._pool, host_member_id)

    async def _open(self, command: OpenCohort, meta: RequestMeta) -> Executed:
        command = command if command.cohort_id else command.model_copy(update={"cohort_id": uuid4()})
        standing = await self._standing(command.host_member_id, meta)
        outcome = await self._handler.run(str(command.cohort_id), WithFacts(command, standing), meta, assume_new=True)
        return UUID(outcome.stream_id), outcome  # a retry: the first attempt's cohort

    async def _resume(self, command: ResumeCohort, meta: RequestMeta) -> Executed:
        stream = str(command.cohort_id)
        cohort, _version, _position = await self._handler.load(stream)
        standing = HostStanding.NOT_A_MEMBER if cohort is None else await self._standing(cohort.host_member_id, meta)
        return command.cohort_id, await self._handler.run(stream, WithFacts(command, standing), meta)

    async def _enrol(self, command: EnrolAgentInput, meta: RequestMeta) -> Executed:
        stream = str(command.cohort_id)
        details = command.details()
        # One enrolment of a cohort at a time in this process, so a key made for a refused
        # enrolment is dropped while no other enrolment of the same person can be using it.
        async with self._enrolments.hold(stream):
            key = await self.keys.key_for(command.cohort_id, details, command.home_department)
            enrol = EnrolAgent(cohort_id=command.cohort_id, agent_id=key.agent_id, category=command.category,
                               home_department=command.home_department, personal=key.seal(details),
                               enrolled_on=command.enrolled_on)
            try:
                outcome = await self._handler.run(stream, enrol, meta)
            except DomainError:
                if key.created:
                    await self.keys.discard(key)
                raise
            if not outcome.duplicate:
                return key.agent_id, outcome
            # A retried request: the first attempt enrolled someone (with the same details,
            # the same agent); a key made now is nobody's.
            if key.created:
                await self.keys.discard(key)
            return await self._agent_enrolled_at(stream, outcome.version), outcome

    async def sprint_number(self, cohort_id: UUID, starts_on: date) -> int:
        """The number of the cohort's sprint of that week (0: none): what a RecordSprint
        that stored nothing (the same sprint again, a retried request) answers."""
        cohort, _version, _position = await self._handler.load(str(cohort_id))
        return next((s.number for s in cohort.sprints if s.starts_on == starts_on), 0) if cohort else 0

    async def _agent_enrolled_at(self, stream: str, version: int) -> UUID | None:
        """The agent the first attempt enrolled; None if the request id was first used for
        another command (its first result is the answer, and it enrolled nobody)."""
        for envelope in await self._store.read_stream(stream):
            if envelope.version == version and envelope.type == AgentEnrolled.event_type:
                return UUID(envelope.data["agent_id"])
        return None

    async def _forget(self, command: ForgetAgent, meta: RequestMeta) -> Executed:
        await self.keys.forget(command.cohort_id, command.agent_id)
        return command.cohort_id, await self._handler.run(str(command.cohort_id), command, meta)
