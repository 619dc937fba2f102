"""Cohorts through gRPC only, beside membership (each its own process and database, one broker):
a cohort's whole life for a member admitted a moment ago, every query, capacity under racing
enrolments, host eligibility from membership's facts, bad input and the error codes."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import grpc
import pytest

from lab27.common.v1 import common_pb2
from shared.grpc.client import field_violations
from tests.e2e.cohorts_calls import (
    admit,
    cpb,
    d,
    enrol,
    enrol_request,
    failure,
    leave,
    mpb,
    open_lab,
    open_lab_request,
    rid,
    roster_of,
    start,
)

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "cohorts")
# The machine running the tests is shared: a loop late by tens of milliseconds must not turn a
# refusal these tests look at (a full cohort) into admission control's RESOURCE_EXHAUSTED.
SERVICE_ENV = {"MAX_LOOP_LAG_MS": "1000"}
STARTED = date(2025, 9, 1)


# --- a cohort's life, for a member admitted a moment ago -----------------------------------------


async def test_a_cohort_from_opening_to_returns(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, admitted = await admit(membership, "Ville de Mulhouse")
    # Sent at once with the admission's token: never refused as "not a member" (not known yet).
    opened = await open_lab(cohorts, host, admitted, capacity=12)
    cohort_id, token = opened.cohort_id, opened.result.consistency_token
    assert opened.result.version == 1 and not opened.result.duplicate
    assert "lab27.membership.events" in token  # carried along: a later call may pass it on
    got = (await cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id, consistency_token=token),
                                   timeout=10)).cohort
    assert (got.status, got.host_member_id, got.capacity, got.absence_budget_days) == (
        cpb.COHORT_STATUS_OPEN, host, 12, 40)
    assert (got.duration_months, got.planned_end) == (16, d(date(2026, 12, 31)))

    started = await start(cohorts, cohort_id, STARTED)
    agents = {}
    for name, category in (("Agent Alpha", cpb.AGENT_CATEGORY_A), ("Agent Beta", cpb.AGENT_CATEGORY_B),
                           ("Agent Gamma", cpb.AGENT_CATEGORY_B)):
        reply = await enrol(cohorts, cohort_id, name, category=category, email=f"{name.split()[1].lower()}@mulhouse.fr")
        agents[name] = reply.agent_id
        token = reply.result.consistency_token
    roster = await roster_of(cohorts, cohort_id, token)
    assert [(a.name, a.status, a.forgotten) for a in roster] == [
        (n, cpb.AGENT_STATUS_ENROLLED, False) for n in sorted(agents, key=lambda n: agents[n])]
    assert {a.email for a in roster} == {"alpha@mulhouse.fr", "beta@mulhouse.fr", "gamma@mulhouse.fr"}
    assert started.result.version == 2

    withdrawn = await cohorts.WithdrawAgent(cpb.WithdrawAgentRequest(
        request_id=rid(), cohort_id=cohort_id, agent_id=agents["Agent Gamma"], reason="moved to another post",
        effective_date=d(date(2025, 11, 3))), timeout=10)
    token = withdrawn.result.consistency_token

    # Absences: up to the budget; past it refused naming the budget and the days used.
    alpha = agents["Agent Alpha"]

    async def log(on: date, days: int, request_id: str | None = None):
        return await cohorts.LogAbsence(cpb.LogAbsenceRequest(
            request_id=request_id or rid(), cohort_id=cohort_id, agent_id=alpha, absence_date=d(on), days=days),
            timeout=10)

    await log(date(2025, 10, 6), 30)
    logged = await log(date(2025, 11, 10), 10)
    again = await log(date(2025, 11, 10), 10)  # the same log, another request: counts once
    assert (again.result.version, again.result.duplicate) == (logged.result.version, False)
    refused = await failure(log(date(2025, 12, 1), 1))
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "budget is 40 days" in refused.details() and "used 40 days" in refused.details()

    await cohorts.AssignCoach(cpb.AssignCoachRequest(
        request_id=rid(), cohort_id=cohort_id, coach_name="Claire Sociologue",
        discipline=cpb.COACH_DISCIPLINE_SOCIOLOGIST, effective_date=d(date(2025, 9, 2))), timeout=10)
    await cohorts.AssignCoach(cpb.AssignCoachRequest(
        request_id=rid(), cohort_id=cohort_id, coach_name="Denis Designer",
        discipline=cpb.COACH_DISCIPLINE_DESIGNER, effective_date=d(date(2025, 9, 2))), timeout=10)

    async def sprint(starts: date, outcome: int = cpb.SPRINT_OUTCOME_ITERATE):
        return await cohorts.RecordSprint(cpb.RecordSprintRequest(
            request_id=rid(), cohort_id=cohort_id, starts_on=d(starts), prototype="Carte culture unique",
            outcome=outcome), timeout=10)

    first = await sprint(date(2025, 10, 13))
    second = await sprint(date(2025, 11, 17), cpb.SPRINT_OUTCOME_VALIDATED)
    same = await sprint(date(2025, 10, 13))  # the same sprint again: its number, nothing stored
    assert (first.number, second.number, same.number) == (1, 2, 1)
    assert same.result.version == second.result.version
    overlapping = await failure(sprint(date(2025, 11, 20)))
    assert overlapping.code() == grpc.StatusCode.FAILED_PRECONDITION

    held = await cohorts.PutCohortOnHold(cpb.PutCohortOnHoldRequest(
        request_id=rid(), cohort_id=cohort_id, reason="municipal elections", effective_date=d(date(2026, 3, 2))),
        timeout=10)
    got = (await cohorts.GetCohort(cpb.GetCohortRequest(
        cohort_id=cohort_id, consistency_token=held.result.consistency_token), timeout=10)).cohort
    assert (got.status, got.hold_reason, got.status_since) == (
        cpb.COHORT_STATUS_ON_HOLD, "municipal elections", d(date(2026, 3, 2)))
    resumed = await cohorts.ResumeCohort(cpb.ResumeCohortRequest(
        request_id=rid(), cohort_id=cohort_id, effective_date=d(date(2026, 4, 6)), consistency_token=admitted),
        timeout=10)
    got = (await cohorts.GetCohort(cpb.GetCohortRequest(
        cohort_id=cohort_id, consistency_token=resumed.result.consistency_token), timeout=10)).cohort
    assert (got.status, got.hold_reason) == (cpb.COHORT_STATUS_RUNNING, "")
    assert [c.name for c in got.coaches] == ["Claire Sociologue", "Denis Designer"]
    assert [(s.number, s.ends_on) for s in got.sprints] == [(1, d(date(2025, 10, 19))), (2, d(date(2025, 11, 23)))]

    # Progress while running: weeks elapsed from the start to the API's today.
    progress = (await cohorts.GetProgress(cpb.GetProgressRequest(
        cohort_id=cohort_id, consistency_token=resumed.result.consistency_token), timeout=10)).progress
    today = datetime.now(UTC).date()
    assert progress.weeks_elapsed == (today - STARTED).days // 7
    assert (progress.agents_enrolled, progress.agents_active, progress.agents_withdrawn) == (3, 2, 1)
    assert progress.attrition_rate == pytest.approx(1 / 3)
    assert {(c.category, c.count) for c in progress.category_mix} == {
        (cpb.AGENT_CATEGORY_A, 1), (cpb.AGENT_CATEGORY_B, 2)}
    assert (progress.absence_days_used, progress.absence_budget_per_agent, progress.absence_budget_total,
            progress.most_absence_days_used) == (40, 40, 120, 40)
    assert [s.number for s in progress.sprints] == [1, 2]

    completed = await cohorts.CompleteCohort(cpb.CompleteCohortRequest(
        request_id=rid(), cohort_id=cohort_id, effective_date=d(date(2026, 12, 18))), timeout=10)
    late = await failure(enrol(cohorts, cohort_id, "Agent Late"))
    assert late.code() == grpc.StatusCode.FAILED_PRECONDITION and "completed" in late.details()
    for name, outcome in (("Agent Alpha", cpb.RETURN_OUTCOME_NEW_ROLE), ("Agent Beta", cpb.RETURN_OUTCOME_DIFFICULT)):
        returned = await cohorts.RecordReturnToService(cpb.RecordReturnToServiceRequest(
            request_id=rid(), cohort_id=cohort_id, agent_id=agents[name], outcome=outcome,
            effective_date=d(date(2027, 3, 1))), timeout=10)
    gone = await failure(cohorts.RecordReturnToService(cpb.RecordReturnToServiceRequest(
        request_id=rid(), cohort_id=cohort_id, agent_id=agents["Agent Gamma"], outcome=cpb.RETURN_OUTCOME_REINTEGRATED,
        effective_date=d(date(2027, 3, 1))), timeout=10))
    assert gone.code() == grpc.StatusCode.FAILED_PRECONDITION and "withdrew" in gone.details()
    token = returned.result.consistency_token

    progress = (await cohorts.GetProgress(cpb.GetProgressRequest(cohort_id=cohort_id, consistency_token=token),
                                          timeout=10)).progress
    assert progress.status == cpb.COHORT_STATUS_COMPLETED and progress.completed_on == d(date(2026, 12, 18))
    assert progress.weeks_elapsed == (date(2026, 12, 18) - STARTED).days // 7  # up to completion
    roster = {a.agent_id: a for a in await roster_of(cohorts, cohort_id, token)}
    assert roster[alpha].absence_days_used == 40 and roster[alpha].return_outcome == cpb.RETURN_OUTCOME_NEW_ROLE
    assert roster[agents["Agent Gamma"]].withdrawal_reason == "moved to another post"
    withdrawn_only = await cohorts.GetRoster(cpb.GetRosterRequest(
        cohort_id=cohort_id, status=cpb.AGENT_STATUS_WITHDRAWN, consistency_token=token), timeout=10)
    assert [a.agent_id for a in withdrawn_only.agents] == [agents["Agent Gamma"]]

    history = await cohorts.GetHostHistory(cpb.GetHostHistoryRequest(host_member_id=host, consistency_token=token),
                                           timeout=10)
    assert history.standing == cpb.HOST_STANDING_ACTIVE
    assert history.host_name.startswith("Ville de Mulhouse")
    [entry] = history.cohorts
    assert (entry.cohort.cohort_id, entry.agents_enrolled, entry.agents_withdrawn, entry.agents_returned,
            entry.sprints) == (cohort_id, 3, 1, 2, 2)
    assert {(r.outcome, r.count) for r in history.returns} == {
        (cpb.RETURN_OUTCOME_NEW_ROLE, 1), (cpb.RETURN_OUTCOME_DIFFICULT, 1)}
    assert completed.result.version < returned.result.version


async def test_retries_answer_the_first_result(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, admitted = await admit(membership, "Ville de Brest")
    request = open_lab_request(host, admitted)
    first, second = await cohorts.OpenCohort(request, timeout=10), await cohorts.OpenCohort(request, timeout=10)
    assert second.cohort_id == first.cohort_id and second.result.duplicate
    assert second.result.consistency_token == first.result.consistency_token
    enrolment = enrol_request(first.cohort_id, "Agent Retry")
    one, two = await cohorts.EnrolAgent(enrolment, timeout=10), await cohorts.EnrolAgent(enrolment, timeout=10)
    assert two.agent_id == one.agent_id and two.result.duplicate
    # The same person under a new request id: already enrolled.
    again = await failure(cohorts.EnrolAgent(enrol_request(first.cohort_id, "agent  RETRY"), timeout=10))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS
    assert len(await roster_of(cohorts, first.cohort_id, two.result.consistency_token)) == 1


# --- queries ----------------------------------------------------------------------------------


async def test_list_cohorts_by_host_status_and_kind_in_pages(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, token = await admit(membership, "Département du Gers")
    opened = []
    for month in (3, 1, 2):
        reply = await open_lab(cohorts, host, token, planned_start=d(date(2026, month, 5)))
        opened.append(reply.cohort_id)
        token = reply.result.consistency_token
    workshop = await cohorts.OpenCohort(open_lab_request(
        host, token, kind=cpb.COHORT_KIND_WORKSHOP, duration_months=0, duration_days=3,
        planned_start=d(date(2026, 4, 1))), timeout=10)
    token = (await start(cohorts, opened[0], date(2026, 3, 5))).result.consistency_token

    async def listed(**filters) -> list[str]:
        ids, page_token = [], ""
        while True:
            reply = await cohorts.ListCohorts(cpb.ListCohortsRequest(
                host_member_id=host, consistency_token=token,
                page=common_pb2.PageRequest(page_size=2, page_token=page_token), **filters), timeout=10)
            ids += [c.cohort_id for c in reply.cohorts]
            page_token = reply.page.next_page_token
            if not page_token:
                return ids

    assert await listed() == [opened[1], opened[2], opened[0], workshop.cohort_id]  # planned-start order
    assert await listed(status=cpb.COHORT_STATUS_RUNNING) == [opened[0]]
    assert await listed(kind=cpb.COHORT_KIND_WORKSHOP) == [workshop.cohort_id]
    assert await listed(status=cpb.COHORT_STATUS_OPEN, kind=cpb.COHORT_KIND_LAB) == [opened[1], opened[2]]
    page = await cohorts.ListCohorts(cpb.ListCohortsRequest(host_member_id=host, consistency_token=token), timeout=10)
    assert page.page.total_size == 4
    got = (await cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=workshop.cohort_id), timeout=10)).cohort
    assert (got.kind, got.duration_days, got.duration_months, got.planned_end) == (
        cpb.COHORT_KIND_WORKSHOP, 3, 0, d(date(2026, 4, 3)))
    history = await cohorts.GetHostHistory(cpb.GetHostHistoryRequest(host_member_id=host, consistency_token=token),
                                           timeout=10)
    assert [c.cohort.cohort_id for c in history.cohorts] == [opened[1], opened[2], opened[0], workshop.cohort_id]


# --- capacity ---------------------------------------------------------------------------------


async def test_25_racing_enrolments_into_20_places(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, token = await admit(membership, "Métropole de Lyon")
    opened = await open_lab(cohorts, host, token)  # 20 places by default
    await start(cohorts, opened.cohort_id)

    async def one(i: int):
        try:
            return await enrol(cohorts, opened.cohort_id, f"Agent Concurrent {i:02d}")
        except grpc.aio.AioRpcError as error:
            return error

    results = await asyncio.gather(*(one(i) for i in range(25)))
    won = [r for r in results if isinstance(r, cpb.EnrolAgentResponse)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 20 and len(lost) == 5
    assert {e.code() for e in lost} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert all("full" in e.details() for e in lost)
    last = max(won, key=lambda r: r.result.version).result.consistency_token
    roster = await roster_of(cohorts, opened.cohort_id, last)
    assert len(roster) == 20 and {a.agent_id for a in roster} == {r.agent_id for r in won}
    progress = (await cohorts.GetProgress(cpb.GetProgressRequest(cohort_id=opened.cohort_id, consistency_token=last),
                                          timeout=10)).progress
    assert (progress.agents_enrolled, progress.capacity) == (20, 20)


# --- host eligibility ---------------------------------------------------------------------------


async def test_host_eligibility_comes_from_membership(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    never = await failure(open_lab(cohorts, "7b0f1c3e-58a2-4a40-9f38-3d6a4c1f0e55"))
    assert never.code() == grpc.StatusCode.FAILED_PRECONDITION and "not a member" in never.details()

    collective, token = await admit(membership, "Association Halles", scheme=mpb.SCHEME_HALLES_CIVIQUES)
    other_scheme = await failure(open_lab(cohorts, collective, token))
    assert other_scheme.code() == grpc.StatusCode.FAILED_PRECONDITION and "not a member" in other_scheme.details()

    departed, token = await admit(membership, "Ville de Partance")
    left = await leave(membership, departed)
    has_left = await failure(open_lab(cohorts, departed, left))
    assert has_left.code() == grpc.StatusCode.FAILED_PRECONDITION and "has left" in has_left.details()

    for i in range(5):  # each admitted a moment ago: accepted with its admission token, every time
        host, admitted = await admit(membership, f"Commune Nouvelle {i}")
        opened = await open_lab(cohorts, host, admitted)
        assert opened.result.version == 1


# --- bad input and error codes -------------------------------------------------------------------


async def test_bad_input_names_every_field(system):
    cohorts = system.cohorts.stub
    error = await failure(cohorts.OpenCohort(cpb.OpenCohortRequest(
        request_id="x" * 200, kind=cpb.COHORT_KIND_LAB, host_member_id="not-an-id", theme=" ",
        planned_start=d(date(2025, 9, 1)), duration_months=24, capacity=500, absence_budget_days=50,
        consistency_token="lab27.membership.events:oops"), timeout=10))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in field_violations(error)}
    assert fields == {"request_id", "host_member_id", "theme", "project_statement", "duration_months", "capacity",
                      "absence_budget_days", "consistency_token"}, fields

    error = await failure(cohorts.EnrolAgent(cpb.EnrolAgentRequest(
        request_id=rid(), cohort_id="nope", category=cpb.AGENT_CATEGORY_UNSPECIFIED, home_department="",
        name="", email="not an email"), timeout=10))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations(error)} == {"cohort_id", "category", "home_department", "name", "email"}

    error = await failure(cohorts.LogAbsence(cpb.LogAbsenceRequest(
        request_id=rid(), cohort_id="7b0f1c3e-58a2-4a40-9f38-3d6a4c1f0e55", agent_id="", days=0), timeout=10))
    assert {v.field for v in field_violations(error)} == {"agent_id", "absence_date", "days"}

    error = await failure(cohorts.RecordSprint(cpb.RecordSprintRequest(
        request_id=rid(), cohort_id="7b0f1c3e-58a2-4a40-9f38-3d6a4c1f0e55", prototype="x",
        outcome=cpb.SPRINT_OUTCOME_UNSPECIFIED), timeout=10))
    assert {v.field for v in field_violations(error)} == {"starts_on", "outcome"}

    error = await failure(cohorts.OpenCohort(open_lab_request(
        "7b0f1c3e-58a2-4a40-9f38-3d6a4c1f0e55", effective_date=common_pb2.Date(year=2025, month=2, day=30)),
        timeout=10))
    assert {v.field for v in field_violations(error)} == {"effective_date"}

    for call in (cohorts.GetCohort(cpb.GetCohortRequest(cohort_id="nope"), timeout=10),
                 cohorts.GetRoster(cpb.GetRosterRequest(cohort_id="nope"), timeout=10),
                 cohorts.GetProgress(cpb.GetProgressRequest(cohort_id=""), timeout=10)):
        error = await failure(call)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in field_violations(error)] == ["cohort_id"]
    error = await failure(cohorts.ListCohorts(cpb.ListCohortsRequest(
        status=99, page=common_pb2.PageRequest(page_size=-1)), timeout=10))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_error_codes(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    unknown = "7b0f1c3e-58a2-4a40-9f38-3d6a4c1f0e55"
    for call in (cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=unknown), timeout=10),
                 cohorts.GetProgress(cpb.GetProgressRequest(cohort_id=unknown), timeout=10),
                 cohorts.GetHostHistory(cpb.GetHostHistoryRequest(host_member_id=unknown), timeout=10),
                 start(cohorts, unknown)):
        assert (await failure(call)).code() == grpc.StatusCode.NOT_FOUND

    host, token = await admit(membership, "Ville de Nantes")
    opened = await open_lab(cohorts, host, token)
    stale = await failure(cohorts.StartCohort(cpb.StartCohortRequest(
        request_id=rid(), cohort_id=opened.cohort_id, expected_version=7, effective_date=d(STARTED)), timeout=10))
    assert stale.code() == grpc.StatusCode.ABORTED
    guarded = await cohorts.StartCohort(cpb.StartCohortRequest(
        request_id=rid(), cohort_id=opened.cohort_id, expected_version=1, effective_date=d(STARTED)), timeout=10)
    assert guarded.result.version == 2
    twice = await failure(start(cohorts, opened.cohort_id))
    assert twice.code() == grpc.StatusCode.FAILED_PRECONDITION
    stranger = await failure(cohorts.WithdrawAgent(cpb.WithdrawAgentRequest(
        request_id=rid(), cohort_id=opened.cohort_id, agent_id=unknown, reason="r"), timeout=10))
    assert stranger.code() == grpc.StatusCode.NOT_FOUND
    # A token naming a write cohorts will not see in time: UNAVAILABLE (retry), not a wrong answer.
    far = f"lab27.membership.events:{10**12}"
    behind = await failure(cohorts.GetCohort(cpb.GetCohortRequest(cohort_id=opened.cohort_id, consistency_token=far),
                                             timeout=10))
    assert behind.code() == grpc.StatusCode.UNAVAILABLE
