"""What the cohorts e2e tests send: membership admissions and departures, and cohorts
commands, each with its own request id; dates are business dates well inside the API's range."""
from __future__ import annotations

import uuid
from datetime import date

import grpc
import pytest

from lab27.cohorts.v1 import cohorts_pb2 as cpb
from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as mpb
from tests.e2e.membership_process import admit_request, rid

__all__ = ["admit", "cpb", "d", "enrol", "failure", "leave", "mpb", "open_lab", "rid", "roster_of", "start"]


def d(day: date) -> common_pb2.Date:
    return common_pb2.Date(year=day.year, month=day.month, day=day.day)


async def failure(awaitable) -> grpc.aio.AioRpcError:
    """The error a call must end with."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await awaitable
    return caught.value


async def admit(membership, name: str, scheme: int = mpb.SCHEME_ASSOCIATION) -> tuple[str, str]:
    """A new member of the scheme: (member id, the admission's consistency token)."""
    reply = await membership.AdmitMember(admit_request(f"{name} {uuid.uuid4().hex[:8]}", scheme=scheme), timeout=10)
    return reply.member_id, reply.result.consistency_token


async def leave(membership, member_id: str, reason: str = "budget cuts") -> str:
    """The member leaves; the departure's consistency token."""
    reply = await membership.LeaveMember(mpb.LeaveMemberRequest(
        request_id=rid(), member_id=member_id, reason=reason, effective_date=d(date(2025, 6, 1))), timeout=10)
    return reply.result.consistency_token


def open_lab_request(host: str, token: str = "", **fields) -> cpb.OpenCohortRequest:
    values = dict(request_id=rid(), kind=cpb.COHORT_KIND_LAB, host_member_id=host, theme="Bibliothèques",
                  project_statement="La carte culture", planned_start=d(date(2025, 9, 1)), duration_months=16,
                  effective_date=d(date(2025, 7, 1)), consistency_token=token)
    return cpb.OpenCohortRequest(**{**values, **fields})


async def open_lab(cohorts, host: str, token: str = "", **fields) -> cpb.OpenCohortResponse:
    return await cohorts.OpenCohort(open_lab_request(host, token, **fields), timeout=10)


async def start(cohorts, cohort_id: str, on: date = date(2025, 9, 1)) -> cpb.StartCohortResponse:
    return await cohorts.StartCohort(cpb.StartCohortRequest(request_id=rid(), cohort_id=cohort_id, effective_date=d(on)),
                                     timeout=10)


def enrol_request(cohort_id: str, name: str, *, category: int = cpb.AGENT_CATEGORY_B, department: str = "Culture",
                  email: str = "", request_id: str = "") -> cpb.EnrolAgentRequest:
    return cpb.EnrolAgentRequest(request_id=request_id or rid(), cohort_id=cohort_id, category=category,
                                 home_department=department, name=name, email=email,
                                 effective_date=d(date(2025, 9, 1)))


async def enrol(cohorts, cohort_id: str, name: str, **fields) -> cpb.EnrolAgentResponse:
    return await cohorts.EnrolAgent(enrol_request(cohort_id, name, **fields), timeout=10)


async def roster_of(cohorts, cohort_id: str, token: str = "", page_size: int = 100) -> list[cpb.Agent]:
    """Every agent of the cohort, walking the pages."""
    agents: list[cpb.Agent] = []
    page_token = ""
    while True:
        reply = await cohorts.GetRoster(cpb.GetRosterRequest(
            cohort_id=cohort_id, consistency_token=token,
            page=common_pb2.PageRequest(page_size=page_size, page_token=page_token)), timeout=10)
        agents.extend(reply.agents)
        page_token = reply.page.next_page_token
        if not page_token:
            return agents
