"""Loads the reference scenario (shared.scenario.article) into a running lab27, through the
four services' public gRPC APIs only.

Every request id is ``scenario:<step>``, so loading twice is harmless: the second time every
command answers its first result (``duplicate``) and stores nothing. The loader keeps one
consistency token, the merge of every reply's, and passes it on each call that takes one:
the allocation of a member admitted a moment ago, the booking of an organisation of the
collective, the query after a reaction, all wait for what they depend on instead of sleeping
or retrying.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import grpc

from lab27.bookings.v1 import bookings_pb2 as bk
from lab27.bookings.v1 import bookings_pb2_grpc
from lab27.cohorts.v1 import cohorts_pb2 as co
from lab27.cohorts.v1 import cohorts_pb2_grpc
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as fu
from lab27.funding.v1 import funding_pb2_grpc
from lab27.membership.v1 import membership_pb2 as me
from lab27.membership.v1 import membership_pb2_grpc
from shared.application.consistency import decode_token, encode_token, merged
from shared.grpc.client import retry_delay
from shared.scenario import article

PREFIX = "scenario"
DEFAULT_ENDPOINTS = {"membership": "127.0.0.1:50051", "cohorts": "127.0.0.1:50052",
                     "funding": "127.0.0.1:50053", "bookings": "127.0.0.1:50054"}
CALL_TIMEOUT = 30.0
IN_FLIGHT = 32
RETRIES = 20
RETRIED = (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.UNAVAILABLE)


def day(value: date) -> common_pb2.Date:
    return common_pb2.Date(year=value.year, month=value.month, day=value.day)


def eur(cents: int) -> common_pb2.Money:
    return common_pb2.Money(amount_cents=cents, currency="EUR")


@dataclass
class Stubs:
    membership: Any
    cohorts: Any
    funding: Any
    bookings: Any
    channels: list[grpc.aio.Channel] = field(default_factory=list)

    @classmethod
    def connect(cls, endpoints: dict[str, str]) -> "Stubs":
        channels = {name: grpc.aio.insecure_channel(endpoints[name]) for name in DEFAULT_ENDPOINTS}
        return cls(membership_pb2_grpc.MembershipServiceStub(channels["membership"]),
                   cohorts_pb2_grpc.CohortsServiceStub(channels["cohorts"]),
                   funding_pb2_grpc.FundingServiceStub(channels["funding"]),
                   bookings_pb2_grpc.BookingsServiceStub(channels["bookings"]), list(channels.values()))

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


@dataclass
class Loaded:
    """What the scenario created, by the scenario's own keys, and the token that covers it all."""

    members: dict[str, str] = field(default_factory=dict)  # member key -> member id
    cohorts: dict[str, str] = field(default_factory=dict)  # host key (or workshop theme) -> cohort id
    grant_id: str = ""
    spaces: dict[str, str] = field(default_factory=dict)  # space name -> space id
    bookings: dict[str, str] = field(default_factory=dict)  # booking key -> booking id
    token: str = ""
    calls: int = 0
    duplicates: int = 0


class Loader:
    """``in_flight``: calls at once at most (well under a service's admission bound)."""

    def __init__(self, stubs: Stubs, in_flight: int = IN_FLIGHT) -> None:
        self.stubs = stubs
        self.loaded = Loaded()
        self._positions: dict[str, int] = {}
        self._gate = asyncio.Semaphore(in_flight)

    async def call(self, method: Callable[..., Awaitable[Any]], request: Any) -> Any:
        """Send ``request`` (with the token so far, when it takes one); merge the reply's token."""
        if "consistency_token" in request.DESCRIPTOR.fields_by_name:
            request.consistency_token = encode_token(self._positions)
        async with self._gate:
            reply = await self._send(method, request)
        self.loaded.calls += 1
        result = getattr(reply, "result", None)
        if result is not None and result.consistency_token:
            self._positions = merged(self._positions, decode_token(result.consistency_token))
            self.loaded.duplicates += result.duplicate
        self.loaded.token = encode_token(self._positions)
        return reply

    @staticmethod
    async def _send(method: Callable[..., Awaitable[Any]], request: Any) -> Any:
        """As a good client does: an overloaded or briefly unavailable service is retried (same
        request id, so nothing is done twice) after the delay it asks for."""
        for attempt in range(RETRIES):
            try:
                return await method(request, timeout=CALL_TIMEOUT)
            except grpc.aio.AioRpcError as error:
                if error.code() not in RETRIED or attempt == RETRIES - 1:
                    raise
                await asyncio.sleep(retry_delay(error) or 0.1)
        raise AssertionError("unreachable")

    async def load(self) -> Loaded:
        """Each step after what it depends on; independent ones at once (a cohort's own
        commands are decided one after the other by cohorts anyway)."""
        await self.members()
        await self._all([self.grant(), *(self.lab(lab) for lab in article.LABS),
                         *(self.workshop(w) for w in article.WORKSHOPS), self.venue()])
        await self.allocations()  # after the labs started: their first tranches are due at once
        await self.departure()  # after the bookings it cancels
        return self.loaded

    # --- membership -------------------------------------------------------------------------

    async def members(self) -> None:
        async def admit(member: article.Member, scheme: int) -> None:
            request = me.AdmitMemberRequest(
                request_id=f"{PREFIX}:admit:{member.key}", scheme=scheme, kind=me.Kind.Value(f"KIND_{member.kind.upper()}"),
                name=member.name, territory=member.territory, effective_date=day(member.admitted_on),
                dues_paid_until=member.admitted_on.year)
            if member.siren:
                request.siren = member.siren
            reply = await self.call(self.stubs.membership.AdmitMember, request)
            self.loaded.members[member.key] = reply.member_id

        await self._all(admit(m, me.SCHEME_ASSOCIATION) for m in article.ASSOCIATION_MEMBERS)
        await self._all(admit(m, me.SCHEME_HALLES_CIVIQUES) for m in article.COLLECTIVE_MEMBERS)

    async def departure(self) -> None:
        key, on, reason = article.LEAVES_COLLECTIVE
        await self.call(self.stubs.membership.LeaveMember, me.LeaveMemberRequest(
            request_id=f"{PREFIX}:leave:{key}", member_id=self.loaded.members[key], reason=reason,
            effective_date=day(on)))

    # --- funding ----------------------------------------------------------------------------

    async def grant(self) -> None:
        g = article.GRANT
        reply = await self.call(self.stubs.funding.AwardGrant, fu.AwardGrantRequest(
            request_id=f"{PREFIX}:grant", funder=g.funder, amount=eur(g.amount_cents), administrations=g.administrations,
            funder_share_bp=g.funder_share_bp, first_tranche_bp=g.first_tranche_bp, effective_date=day(g.awarded_on)))
        self.loaded.grant_id = reply.grant_id
        await self.call(self.stubs.funding.RecordDesignationsDue, fu.RecordDesignationsDueRequest(
            request_id=f"{PREFIX}:designations", grant_id=reply.grant_id, count=g.designations_due,
            due_by=day(g.designations_due_by)))

    async def allocations(self) -> None:
        """Each lab's host gets its share (after its cohort started, when it did: the first
        tranche is then due at once), pledges the rest of the cost, and is paid what is due."""
        for lab in article.LABS:
            member_id = self.loaded.members[lab.host]
            step = f"{PREFIX}:allocate:{lab.host}"
            await self.call(self.stubs.funding.AllocateShare, fu.AllocateShareRequest(
                request_id=step, grant_id=self.loaded.grant_id, member_id=member_id,
                amount=eur(article.ALLOCATION_CENTS), effective_date=day(lab.allocated_on)))
            await self.call(self.stubs.funding.PledgeCoFunding, fu.PledgeCoFundingRequest(
                request_id=f"{step}:pledge", grant_id=self.loaded.grant_id, member_id=member_id,
                effective_date=day(lab.allocated_on)))
            due = [(fu.TRANCHE_FIRST, lab.started_on), (fu.TRANCHE_FINAL, lab.completed_on)]
            for tranche, since in due:
                if since is None:
                    continue  # not due: its cohort has not started (or completed) yet
                await self.call(self.stubs.funding.DisburseTranche, fu.DisburseTrancheRequest(
                    request_id=f"{step}:disburse:{tranche}", grant_id=self.loaded.grant_id, member_id=member_id,
                    tranche=tranche, effective_date=day(max(lab.allocated_on, since) + timedelta(days=30))))

    # --- cohorts ----------------------------------------------------------------------------

    async def lab(self, lab: article.Lab) -> None:
        step = f"{PREFIX}:lab:{lab.host}"
        opened = await self.call(self.stubs.cohorts.OpenCohort, co.OpenCohortRequest(
            request_id=step, kind=co.COHORT_KIND_LAB, host_member_id=self.loaded.members[lab.host],
            theme=lab.theme, project_statement=lab.statement, planned_start=day(lab.planned_start),
            duration_months=lab.duration_months, effective_date=day(lab.planned_start - timedelta(days=60))))
        cohort_id = self.loaded.cohorts[lab.host] = opened.cohort_id
        for name, discipline in lab.coaches:
            await self.call(self.stubs.cohorts.AssignCoach, co.AssignCoachRequest(
                request_id=f"{step}:coach:{name}", cohort_id=cohort_id, coach_name=name,
                discipline=co.CoachDiscipline.Value(f"COACH_DISCIPLINE_{discipline.upper()}"),
                effective_date=day(lab.planned_start - timedelta(days=30))))
        agents = await self._enrol(step, cohort_id, article.AGENTS_PER_LAB, lab.planned_start - timedelta(days=21),
                                   seed=len(lab.host))
        if lab.started_on is None:
            return
        await self.call(self.stubs.cohorts.StartCohort, co.StartCohortRequest(
            request_id=f"{step}:start", cohort_id=cohort_id, effective_date=day(lab.started_on)))
        withdrawn = agents[:lab.withdrawals]  # some drop out after a few weeks
        await self._all(self.call(self.stubs.cohorts.WithdrawAgent, co.WithdrawAgentRequest(
            request_id=f"{step}:withdraw:{i}", cohort_id=cohort_id, agent_id=agent_id,
            reason="a trouvé la démarche trop compliquée", effective_date=day(lab.started_on + timedelta(weeks=4))))
            for i, agent_id in enumerate(withdrawn))
        for sprint_start, prototype, outcome in lab.sprints:  # numbered in the order they happen
            await self.call(self.stubs.cohorts.RecordSprint, co.RecordSprintRequest(
                request_id=f"{step}:sprint:{sprint_start}", cohort_id=cohort_id, starts_on=day(sprint_start),
                prototype=prototype, outcome=co.SprintOutcome.Value(f"SPRINT_OUTCOME_{outcome.upper()}")))
        staying = agents[lab.withdrawals:]
        await self._all(  # 35 to 40 days each over the programme
            self.call(self.stubs.cohorts.LogAbsence, co.LogAbsenceRequest(
                request_id=f"{step}:absence:{i}:{j}", cohort_id=cohort_id, agent_id=agent_id,
                absence_date=day(lab.started_on + timedelta(weeks=2 + 8 * j)), days=days))
            for i, agent_id in enumerate(staying) for j, days in enumerate((12, 12, 11 + i % 5)))
        if lab.completed_on is None:
            return
        await self.call(self.stubs.cohorts.CompleteCohort, co.CompleteCohortRequest(
            request_id=f"{step}:complete", cohort_id=cohort_id, effective_date=day(lab.completed_on)))
        outcomes = (co.RETURN_OUTCOME_REINTEGRATED, co.RETURN_OUTCOME_NEW_ROLE, co.RETURN_OUTCOME_DIFFICULT)
        await self._all(  # the hard part: the return to their service
            self.call(self.stubs.cohorts.RecordReturnToService, co.RecordReturnToServiceRequest(
                request_id=f"{step}:return:{i}", cohort_id=cohort_id, agent_id=agent_id,
                outcome=outcomes[i % 3], effective_date=day(lab.completed_on + timedelta(days=14))))
            for i, agent_id in enumerate(staying))

    async def workshop(self, workshop: article.Workshop) -> None:
        step = f"{PREFIX}:workshop:{workshop.on}"
        opened = await self.call(self.stubs.cohorts.OpenCohort, co.OpenCohortRequest(
            request_id=step, kind=co.COHORT_KIND_WORKSHOP, host_member_id=self.loaded.members[workshop.host],
            theme=workshop.theme, project_statement=workshop.statement, planned_start=day(workshop.on),
            duration_days=workshop.days, effective_date=day(workshop.on - timedelta(days=30))))
        cohort_id = self.loaded.cohorts[workshop.theme] = opened.cohort_id
        await self._enrol(step, cohort_id, workshop.agents, workshop.on - timedelta(days=14), seed=workshop.on.day)
        await self.call(self.stubs.cohorts.StartCohort, co.StartCohortRequest(
            request_id=f"{step}:start", cohort_id=cohort_id, effective_date=day(workshop.on)))
        await self.call(self.stubs.cohorts.CompleteCohort, co.CompleteCohortRequest(
            request_id=f"{step}:complete", cohort_id=cohort_id, effective_date=day(workshop.on)))

    async def _enrol(self, step: str, cohort_id: str, count: int, on: date, seed: int) -> list[str]:
        """``count`` volunteers of every category (A, B and C), fictional names."""
        async def enrol(i: int) -> str:
            first = article.FIRST_NAMES[(i + seed) % len(article.FIRST_NAMES)]
            last = article.LAST_NAMES[(i * 7 + seed) % len(article.LAST_NAMES)]
            reply = await self.call(self.stubs.cohorts.EnrolAgent, co.EnrolAgentRequest(
                request_id=f"{step}:enrol:{i}", cohort_id=cohort_id,
                category=co.AgentCategory.Value(f"AGENT_CATEGORY_{article.CATEGORIES[i % 3]}"),
                home_department=article.DEPARTMENTS[i % len(article.DEPARTMENTS)], name=f"{first} {last}",
                effective_date=day(on)))
            return reply.agent_id

        return list(await self._all(enrol(i) for i in range(count)))

    # --- bookings ---------------------------------------------------------------------------

    async def venue(self) -> None:
        async def register(space: article.Space) -> None:
            windows = [bk.OpeningWindow(weekday=d, opens=bk.LocalTime(hours=space.opens[0], minutes=space.opens[1]),
                                        closes=bk.LocalTime(hours=space.closes[0], minutes=space.closes[1]))
                       for d in space.days]
            reply = await self.call(self.stubs.bookings.RegisterSpace, bk.RegisterSpaceRequest(
                request_id=f"{PREFIX}:space:{space.name}", name=space.name, capacity=space.capacity,
                opening_hours=bk.OpeningHours(windows=windows), min_length_minutes=space.min_minutes,
                max_length_minutes=space.max_minutes))
            self.loaded.spaces[space.name] = reply.space_id
            await self._all(self.call(self.stubs.bookings.CloseSpaceDay, bk.CloseSpaceDayRequest(
                request_id=f"{PREFIX}:closed:{space.name}:{closed}", space_id=reply.space_id, day=day(closed),
                reason=reason)) for closed, reason in article.CLOSED_DAYS)

        async def book(booking: article.Booking) -> None:
            reply = await self.call(self.stubs.bookings.BookSpace, bk.BookSpaceRequest(
                request_id=f"{PREFIX}:booking:{booking.key}", space_id=self.loaded.spaces[booking.space],
                organisation_id=self.loaded.members[booking.organisation], day=day(booking.day),
                start=bk.LocalTime(hours=booking.start[0], minutes=booking.start[1]),
                length_minutes=booking.minutes, title=booking.title, attendance=booking.attendance))
            self.loaded.bookings[booking.key] = reply.booking_id

        await self._all(register(space) for space in article.SPACES)
        await self._all(book(booking) for booking in article.BOOKINGS)

    async def _all(self, calls: Iterable[Awaitable[Any]]) -> list[Any]:
        """Independent calls at once (each still carries the token of what came before them)."""
        return list(await asyncio.gather(*calls))


async def load_scenario(endpoints: dict[str, str] | None = None) -> Loaded:
    stubs = Stubs.connect({**DEFAULT_ENDPOINTS, **(endpoints or {})})
    try:
        return await Loader(stubs).load()
    finally:
        await stubs.close()
