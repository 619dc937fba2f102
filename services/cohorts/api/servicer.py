"""CohortsService: proto in, command or query out, and back. No business rules here.

Ids that a command addresses go to the command as sent, so a bad id is reported with every
other bad field; a query's id is checked on its own (it is the only field that can be bad).
A query waits, for each read model it reads, until that model reflects the token it carries:
a cohorts token, or membership's (through the membership view, or through the host-left
reaction's holds: shared.projections.tokens).
"""
from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import grpc

from lab27.cohorts.v1 import cohorts_pb2 as pb
from lab27.cohorts.v1 import cohorts_pb2_grpc
from lab27.common.v1 import common_pb2
from shared.application.paging import Page
from shared.contracts.cohorts import AgentStatus, CohortKind, CohortStatus, SprintRecorded
from shared.grpc.api import Api, date_parts, enum_filter, enum_text, uuid_of
from shared.projections import ReadModel
from services.cohorts.api import convert
from services.cohorts.application import queries
from services.cohorts.application.commands import CohortCommands, EnrolAgentInput
from services.cohorts.domain import (
    AssignCoach,
    CompleteCohort,
    ForgetAgent,
    LogAbsence,
    OpenCohort,
    PutCohortOnHold,
    RecordReturnToService,
    RecordSprint,
    ResumeCohort,
    StartCohort,
    WithdrawAgent,
)

# Command fields named otherwise in the requests, so that a violation names what was sent.
EFFECTIVE = {"on": "effective_date", "opened_on": "effective_date", "enrolled_on": "effective_date"}
ABSENCE = {"on": "absence_date"}


def _page(page: Page) -> common_pb2.PageResponse:
    return common_pb2.PageResponse(next_page_token=page.next_page_token, total_size=page.total_size)


class CohortsServicer(cohorts_pb2_grpc.CohortsServiceServicer):
    def __init__(self, api: Api, commands: CohortCommands, pool: asyncpg.Pool) -> None:
        self._api = api
        self._commands = commands
        self._pool = pool

    async def _run(self, model, request, rename=None, /, **fields):
        """(the command's outcome, its CommandResult)."""
        command, meta = self._api.command(model, request, rename, **fields)
        _addressed, outcome = await self._commands.execute(command, meta)
        return outcome, self._api.result(outcome, meta)

    async def _caught_up(self, token: str, read_models: Sequence[ReadModel]) -> None:
        for model in read_models:
            await self._api.caught_up(token, model.name)

    # --- commands -------------------------------------------------------------------

    async def OpenCohort(self, request: pb.OpenCohortRequest, context: grpc.aio.ServicerContext):
        defaults = {name: value for name in ("capacity", "absence_budget_days")
                    if (value := getattr(request, name))}  # 0: the default
        command, meta = self._api.command(
            OpenCohort, request, EFFECTIVE,
            kind=enum_text(pb.CohortKind, request.kind), host_member_id=request.host_member_id,
            theme=request.theme, project_statement=request.project_statement,
            planned_start=date_parts(request.planned_start), opened_on=self._api.business_date(request.effective_date),
            duration_override_reason=request.duration_override_reason or None,
            duration_months=request.duration_months or None, duration_days=request.duration_days or None, **defaults)
        cohort_id, outcome = await self._commands.execute(command, meta)
        return pb.OpenCohortResponse(cohort_id=str(cohort_id), result=self._api.result(outcome, meta))

    async def StartCohort(self, request: pb.StartCohortRequest, context):
        _, result = await self._run(StartCohort, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    on=self._api.business_date(request.effective_date))
        return pb.StartCohortResponse(result=result)

    async def EnrolAgent(self, request: pb.EnrolAgentRequest, context):
        command, meta = self._api.command(
            EnrolAgentInput, request, EFFECTIVE, cohort_id=request.cohort_id,
            category=enum_text(pb.AgentCategory, request.category), home_department=request.home_department,
            name=request.name, email=request.email or None,
            enrolled_on=self._api.business_date(request.effective_date))
        agent_id, outcome = await self._commands.execute(command, meta)
        return pb.EnrolAgentResponse(agent_id=str(agent_id) if agent_id else "", result=self._api.result(outcome, meta))

    async def WithdrawAgent(self, request: pb.WithdrawAgentRequest, context):
        _, result = await self._run(WithdrawAgent, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    agent_id=request.agent_id, reason=request.reason,
                                    on=self._api.business_date(request.effective_date))
        return pb.WithdrawAgentResponse(result=result)

    async def LogAbsence(self, request: pb.LogAbsenceRequest, context):
        _, result = await self._run(LogAbsence, request, ABSENCE, cohort_id=request.cohort_id,
                                    agent_id=request.agent_id, on=date_parts(request.absence_date), days=request.days)
        return pb.LogAbsenceResponse(result=result)

    async def AssignCoach(self, request: pb.AssignCoachRequest, context):
        _, result = await self._run(AssignCoach, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    coach_name=request.coach_name,
                                    discipline=enum_text(pb.CoachDiscipline, request.discipline),
                                    on=self._api.business_date(request.effective_date))
        return pb.AssignCoachResponse(result=result)

    async def RecordSprint(self, request: pb.RecordSprintRequest, context):
        command, meta = self._api.command(
            RecordSprint, request, cohort_id=request.cohort_id, starts_on=date_parts(request.starts_on),
            prototype=request.prototype, outcome=enum_text(pb.SprintOutcome, request.outcome))
        _, outcome = await self._commands.execute(command, meta)
        numbers = [e.number for e in outcome.events if isinstance(e, SprintRecorded)]
        # Nothing stored (the same sprint again, a retry): the number it was given then.
        number = numbers[0] if numbers else await self._commands.sprint_number(command.cohort_id, command.starts_on)
        return pb.RecordSprintResponse(number=number, result=self._api.result(outcome, meta))

    async def CompleteCohort(self, request: pb.CompleteCohortRequest, context):
        _, result = await self._run(CompleteCohort, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    on=self._api.business_date(request.effective_date))
        return pb.CompleteCohortResponse(result=result)

    async def RecordReturnToService(self, request: pb.RecordReturnToServiceRequest, context):
        _, result = await self._run(RecordReturnToService, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    agent_id=request.agent_id, outcome=enum_text(pb.ReturnOutcome, request.outcome),
                                    on=self._api.business_date(request.effective_date))
        return pb.RecordReturnToServiceResponse(result=result)

    async def PutCohortOnHold(self, request: pb.PutCohortOnHoldRequest, context):
        _, result = await self._run(PutCohortOnHold, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    reason=request.reason, on=self._api.business_date(request.effective_date))
        return pb.PutCohortOnHoldResponse(result=result)

    async def ResumeCohort(self, request: pb.ResumeCohortRequest, context):
        _, result = await self._run(ResumeCohort, request, EFFECTIVE, cohort_id=request.cohort_id,
                                    on=self._api.business_date(request.effective_date))
        return pb.ResumeCohortResponse(result=result)

    async def ForgetAgent(self, request: pb.ForgetAgentRequest, context):
        _, result = await self._run(ForgetAgent, request, cohort_id=request.cohort_id, agent_id=request.agent_id)
        return pb.ForgetAgentResponse(result=result)

    # --- queries --------------------------------------------------------------------

    async def GetCohort(self, request: pb.GetCohortRequest, context):
        cohort_id = uuid_of(request.cohort_id, "cohort_id")
        await self._caught_up(request.consistency_token, queries.COHORT_READS)
        return pb.GetCohortResponse(cohort=convert.cohort_to_proto(await queries.get_cohort(self._pool, cohort_id)))

    async def GetRoster(self, request: pb.GetRosterRequest, context):
        cohort_id = uuid_of(request.cohort_id, "cohort_id")
        status = enum_filter(pb.AgentStatus, request.status, AgentStatus, "status")
        await self._caught_up(request.consistency_token, queries.ROSTER_READS)
        page = await queries.roster(self._pool, self._commands.keys, cohort_id, status, request.page.page_size,
                                    request.page.page_token)
        return pb.GetRosterResponse(agents=[convert.agent_to_proto(e) for e in page.rows], page=_page(page))

    async def GetProgress(self, request: pb.GetProgressRequest, context):
        cohort_id = uuid_of(request.cohort_id, "cohort_id")
        await self._caught_up(request.consistency_token, queries.PROGRESS_READS)
        progress = await queries.progress(self._pool, cohort_id, self._api.today())
        return pb.GetProgressResponse(progress=convert.progress_to_proto(progress))

    async def ListCohorts(self, request: pb.ListCohortsRequest, context):
        cohort_filter = queries.CohortFilter(
            host_member_id=uuid_of(request.host_member_id, "host_member_id") if request.host_member_id else None,
            status=enum_filter(pb.CohortStatus, request.status, CohortStatus, "status"),
            kind=enum_filter(pb.CohortKind, request.kind, CohortKind, "kind"))
        await self._caught_up(request.consistency_token, queries.LIST_READS)
        page = await queries.list_cohorts(self._pool, cohort_filter, request.page.page_size, request.page.page_token)
        cohorts = await queries.with_details(self._pool, page.rows)
        return pb.ListCohortsResponse(cohorts=[convert.cohort_to_proto(c) for c in cohorts], page=_page(page))

    async def GetHostHistory(self, request: pb.GetHostHistoryRequest, context):
        host_member_id = uuid_of(request.host_member_id, "host_member_id")
        await self._caught_up(request.consistency_token, queries.HISTORY_READS)
        history = await queries.host_history(self._pool, host_member_id)
        cohorts = await queries.with_details(self._pool, history.cohorts)
        return convert.host_history_to_proto(history, cohorts)
