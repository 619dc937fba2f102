"""FundingService: proto in, command or query out, and back. No business rules here.

Ids are handed to the commands as sent, so a bad id is reported with every other bad field
at its path (``member_id``); amounts go in as the common Money (cents and currency), checked
by the commands' money types.
"""
from __future__ import annotations

import asyncpg
import grpc

from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as pb
from lab27.funding.v1 import funding_pb2_grpc
from shared.contracts.funding import DEFAULT_FIRST_TRANCHE_BP
from shared.domain.fields import parse
from shared.grpc.api import Api, date_parts, enum_text, money_input, uuid_of
from services.funding.api import convert
from services.funding.api.filters import DueBy
from services.funding.application import queries
from services.funding.application.commands import FundingCommands
from services.funding.domain import (
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
    UnfreezeAllocation,
)
from services.funding.projections.ledger import FUNDING_LEDGER

LEDGER = FUNDING_LEDGER.name
# Command fields named otherwise in the requests, so that a violation names what was sent.
EFFECTIVE = {name: "effective_date" for name in
             ("awarded_on", "allocated_on", "pledged_on", "due_on", "disbursed_on", "on")}


class FundingServicer(funding_pb2_grpc.FundingServiceServicer):
    def __init__(self, api: Api, commands: FundingCommands, pool: asyncpg.Pool) -> None:
        self._api = api
        self._commands = commands
        self._pool = pool

    async def _run(self, model, request, /, **fields) -> common_pb2.CommandResult:
        command, meta = self._api.command(model, request, EFFECTIVE, **fields)
        _grant_id, outcome = await self._commands.execute(command, meta)
        return self._api.result(outcome, meta)

    def _on(self, request):
        """The request's business date (today when unset), checked by the command's date field."""
        return self._api.business_date(request.effective_date)

    # --- commands -------------------------------------------------------------------

    async def AwardGrant(self, request: pb.AwardGrantRequest, context: grpc.aio.ServicerContext):
        command, meta = self._api.command(
            AwardGrant, request, EFFECTIVE, funder=request.funder, amount=money_input(request.amount),
            awarded_on=self._on(request), administrations=request.administrations,
            funder_share_bp=request.funder_share_bp,
            first_tranche_bp=request.first_tranche_bp or DEFAULT_FIRST_TRANCHE_BP)
        grant_id, outcome = await self._commands.execute(command, meta)
        return pb.AwardGrantResponse(grant_id=str(grant_id), result=self._api.result(outcome, meta))

    async def RecordDesignationsDue(self, request: pb.RecordDesignationsDueRequest, context):
        result = await self._run(RecordDesignationsDue, request, grant_id=request.grant_id, count=request.count,
                                 due_by=date_parts(request.due_by))
        return pb.RecordDesignationsDueResponse(result=result)

    async def AllocateShare(self, request: pb.AllocateShareRequest, context):
        result = await self._run(AllocateShare, request, grant_id=request.grant_id, member_id=request.member_id,
                                 amount=money_input(request.amount), allocated_on=self._on(request))
        return pb.AllocateShareResponse(result=result)

    async def PledgeCoFunding(self, request: pb.PledgeCoFundingRequest, context):
        amount = money_input(request.amount) if request.HasField("amount") else None
        result = await self._run(PledgeCoFunding, request, grant_id=request.grant_id, member_id=request.member_id,
                                 amount=amount, pledged_on=self._on(request))
        return pb.PledgeCoFundingResponse(result=result)

    async def MarkTrancheDue(self, request: pb.MarkTrancheDueRequest, context):
        result = await self._run(MarkTrancheDue, request, grant_id=request.grant_id, member_id=request.member_id,
                                 tranche=enum_text(pb.Tranche, request.tranche),
                                 cohort_id=request.cohort_id or None, due_on=self._on(request))
        return pb.MarkTrancheDueResponse(result=result)

    async def DisburseTranche(self, request: pb.DisburseTrancheRequest, context):
        result = await self._run(DisburseTranche, request, grant_id=request.grant_id, member_id=request.member_id,
                                 tranche=enum_text(pb.Tranche, request.tranche), disbursed_on=self._on(request))
        return pb.DisburseTrancheResponse(result=result)

    async def FreezeAllocation(self, request: pb.FreezeAllocationRequest, context):
        result = await self._run(FreezeAllocation, request, grant_id=request.grant_id, member_id=request.member_id,
                                 reason=request.reason, on=self._on(request))
        return pb.FreezeAllocationResponse(result=result)

    async def UnfreezeAllocation(self, request: pb.UnfreezeAllocationRequest, context):
        result = await self._run(UnfreezeAllocation, request, grant_id=request.grant_id,
                                 member_id=request.member_id, reason=request.reason, on=self._on(request))
        return pb.UnfreezeAllocationResponse(result=result)

    # --- queries: each waits for the token on the ledger ----------------------------

    async def GetGrant(self, request: pb.GetGrantRequest, context):
        grant_id = uuid_of(request.grant_id, "grant_id")
        await self._api.caught_up(request.consistency_token, LEDGER)
        return pb.GetGrantResponse(grant=convert.grant_to_proto(await queries.get_grant(self._pool, grant_id)))

    async def ListGrants(self, request: pb.ListGrantsRequest, context):
        await self._api.caught_up(request.consistency_token, LEDGER)
        page = await queries.list_grants(self._pool, request.page.page_size, request.page.page_token)
        return pb.ListGrantsResponse(grants=[convert.grant_to_proto(g) for g in page.rows],
                                     page=convert.page_proto(page))

    async def ListAllocations(self, request: pb.ListAllocationsRequest, context):
        grant_id = uuid_of(request.grant_id, "grant_id")
        await self._api.caught_up(request.consistency_token, LEDGER)
        page = await queries.list_allocations(self._pool, grant_id, request.page.page_size, request.page.page_token)
        return pb.ListAllocationsResponse(allocations=[convert.allocation_to_proto(a) for a in page.rows],
                                          page=convert.page_proto(page))

    async def GetAdministrationFunding(self, request: pb.GetAdministrationFundingRequest, context):
        member_id = uuid_of(request.member_id, "member_id")
        await self._api.caught_up(request.consistency_token, LEDGER)
        funded = await queries.administration_funding(self._pool, member_id)
        return pb.GetAdministrationFundingResponse(allocations=[convert.allocation_to_proto(a) for a in funded])

    async def ListTranchesDue(self, request: pb.ListTranchesDueRequest, context):
        due_by = parse(DueBy, due_by=date_parts(request.due_by)).due_by
        await self._api.caught_up(request.consistency_token, LEDGER)
        page = await queries.list_tranches_due(self._pool, due_by, request.page.page_size, request.page.page_token)
        return pb.ListTranchesDueResponse(tranches=[convert.tranche_due_to_proto(t) for t in page.rows],
                                          page=convert.page_proto(page))
