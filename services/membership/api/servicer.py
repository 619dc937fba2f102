"""MembershipService: proto in, command or query out, and back. No business rules here."""
from __future__ import annotations

import asyncpg
import grpc

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from lab27.membership.v1 import membership_pb2_grpc
from shared.contracts.membership import MemberKind, MemberStatus, Scheme
from shared.grpc.api import Api, enum_filter, enum_text, enum_value, uuid_of
from services.membership.api import convert
from services.membership.application import queries
from services.membership.application.commands import MembershipCommands
from services.membership.domain import (
    AdmitMember,
    LeaveMember,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
)
from services.membership.projections.directory import MEMBER_DIRECTORY

DIRECTORY = MEMBER_DIRECTORY.name
# Command fields named otherwise in the requests, so that a violation names what was sent.
EFFECTIVE = {"admitted_on": "effective_date", "on": "effective_date"}


class MembershipServicer(membership_pb2_grpc.MembershipServiceServicer):
    def __init__(self, api: Api, commands: MembershipCommands, pool: asyncpg.Pool) -> None:
        self._api = api
        self._commands = commands
        self._pool = pool

    async def _run(self, model, request, rename=None, /, **fields) -> common_pb2.CommandResult:
        command, meta = self._api.command(model, request, rename, **fields)
        _member_id, outcome = await self._commands.execute(command, meta)
        return self._api.result(outcome, meta)

    # --- commands -------------------------------------------------------------------

    async def AdmitMember(self, request: pb.AdmitMemberRequest, context: grpc.aio.ServicerContext):
        command, meta = self._api.command(
            AdmitMember, request, EFFECTIVE,
            scheme=enum_text(pb.Scheme, request.scheme), kind=enum_text(pb.Kind, request.kind), name=request.name,
            admitted_on=self._api.business_date(request.effective_date),
            siren=request.siren if request.HasField("siren") else None, territory=request.territory,
            contacts=convert.contacts(request.contacts), dues_paid_until=request.dues_paid_until or None,
        )
        member_id, outcome = await self._commands.execute(command, meta)
        return pb.AdmitMemberResponse(member_id=str(member_id), result=self._api.result(outcome, meta))

    async def UpdateMemberProfile(self, request: pb.UpdateMemberProfileRequest, context):
        result = await self._run(
            UpdateMemberProfile, request,
            member_id=uuid_of(request.member_id, "member_id"), name=request.name or None,
            kind=enum_text(pb.Kind, request.kind) if request.kind else None,
            siren=request.siren if request.HasField("siren") else None,
            territory=request.territory, contacts=convert.contacts(request.contacts),
        )
        return pb.UpdateMemberProfileResponse(result=result)

    async def SuspendMember(self, request: pb.SuspendMemberRequest, context):
        result = await self._run(SuspendMember, request, EFFECTIVE, member_id=uuid_of(request.member_id, "member_id"),
                                 reason=request.reason, on=self._api.business_date(request.effective_date))
        return pb.SuspendMemberResponse(result=result)

    async def ReinstateMember(self, request: pb.ReinstateMemberRequest, context):
        result = await self._run(ReinstateMember, request, EFFECTIVE, member_id=uuid_of(request.member_id, "member_id"),
                                 on=self._api.business_date(request.effective_date))
        return pb.ReinstateMemberResponse(result=result)

    async def RenewDues(self, request: pb.RenewDuesRequest, context):
        result = await self._run(RenewDues, request, {"year": "paid_until_year"},
                                 member_id=uuid_of(request.member_id, "member_id"), year=request.paid_until_year)
        return pb.RenewDuesResponse(result=result)

    async def LeaveMember(self, request: pb.LeaveMemberRequest, context):
        result = await self._run(LeaveMember, request, EFFECTIVE, member_id=uuid_of(request.member_id, "member_id"),
                                 reason=request.reason, on=self._api.business_date(request.effective_date))
        return pb.LeaveMemberResponse(result=result)

    # --- queries --------------------------------------------------------------------

    async def GetMember(self, request: pb.GetMemberRequest, context):
        member_id = uuid_of(request.member_id, "member_id")
        await self._api.caught_up(request.consistency_token, DIRECTORY)
        return pb.GetMemberResponse(member=convert.member_to_proto(await queries.get_member(self._pool, member_id)))

    async def ListMembers(self, request: pb.ListMembersRequest, context):
        member_filter = queries.MemberFilter(
            kind=enum_filter(pb.Kind, request.kind, MemberKind, "kind"),
            scheme=enum_filter(pb.Scheme, request.scheme, Scheme, "scheme"),
            status=enum_filter(pb.Status, request.status, MemberStatus, "status"),
            name_contains=request.name_contains or None,
        )
        await self._api.caught_up(request.consistency_token, DIRECTORY)
        page = await queries.list_members(self._pool, member_filter, request.page.page_size, request.page.page_token)
        return pb.ListMembersResponse(
            members=[convert.member_to_proto(row) for row in page.rows],
            page=common_pb2.PageResponse(next_page_token=page.next_page_token, total_size=page.total_size),
        )

    async def CountMembers(self, request: pb.CountMembersRequest, context):
        status = enum_filter(pb.Status, request.status, MemberStatus, "status")
        await self._api.caught_up(request.consistency_token, DIRECTORY)
        by_kind, by_scheme = await queries.count_members(self._pool, status)
        return pb.CountMembersResponse(
            total=sum(by_kind.values()),
            by_kind=[pb.KindCount(kind=enum_value(pb.Kind, k), count=n) for k, n in sorted(by_kind.items())],
            by_scheme=[pb.SchemeCount(scheme=enum_value(pb.Scheme, s), count=n) for s, n in sorted(by_scheme.items())],
        )
