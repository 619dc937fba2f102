"""MembershipService: proto in, command or query out, and back. No business rules here."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import asyncpg
import grpc

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from lab27.membership.v1 import membership_pb2_grpc
from shared.application.command_handler import CommandOutcome
from shared.application.consistency import decode_token, encode_token
from shared.grpc.correlation import current_correlation_id
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

# Waits until the read model has applied the given position (raises Unavailable on timeout).
WaitForPosition = Callable[[int], Awaitable[None]]


def today() -> date:
    return datetime.now(UTC).date()


def _result(outcome: CommandOutcome) -> common_pb2.CommandResult:
    return common_pb2.CommandResult(stream_id=outcome.stream_id, version=outcome.version,
                                    consistency_token=encode_token(outcome.position), duplicate=outcome.duplicate)


class MembershipServicer(membership_pb2_grpc.MembershipServiceServicer):
    def __init__(self, commands: MembershipCommands, pool: asyncpg.Pool, wait_for: WaitForPosition,
                 clock: Callable[[], date] = today) -> None:
        self._commands = commands
        self._pool = pool
        self._wait_for = wait_for
        self._today = clock

    async def _run(self, request, command) -> CommandOutcome:
        _member_id, outcome = await self._commands.execute(
            command, request_id=request.request_id, expected_version=request.expected_version,
            correlation_id=current_correlation_id())
        return outcome

    async def _caught_up(self, token: str) -> None:
        position = decode_token(token)
        if position is not None:
            await self._wait_for(position)

    # --- commands -------------------------------------------------------------------

    async def AdmitMember(self, request: pb.AdmitMemberRequest, context: grpc.aio.ServicerContext):
        command = AdmitMember(
            scheme=convert.enum_text(pb.Scheme, request.scheme, "SCHEME_"),
            kind=convert.enum_text(pb.Kind, request.kind, "KIND_"), name=request.name,
            admitted_on=convert.business_date(request.effective_date, self._today()),
            siren=request.siren if request.HasField("siren") else None, territory=request.territory,
            contacts=convert.contacts(request.contacts), dues_paid_until=request.dues_paid_until or None,
        )
        member_id, outcome = await self._commands.execute(
            command, request_id=request.request_id, correlation_id=current_correlation_id())
        return pb.AdmitMemberResponse(member_id=str(member_id), result=_result(outcome))

    async def UpdateMemberProfile(self, request: pb.UpdateMemberProfileRequest, context):
        command = UpdateMemberProfile(
            member_id=convert.member_id(request.member_id), name=request.name or None,
            kind=convert.enum_text(pb.Kind, request.kind, "KIND_") if request.kind else None,
            siren=request.siren if request.HasField("siren") else None,
            territory=request.territory, contacts=convert.contacts(request.contacts),
        )
        return pb.UpdateMemberProfileResponse(result=_result(await self._run(request, command)))

    async def SuspendMember(self, request: pb.SuspendMemberRequest, context):
        command = SuspendMember(member_id=convert.member_id(request.member_id), reason=request.reason,
                                on=convert.business_date(request.effective_date, self._today()))
        return pb.SuspendMemberResponse(result=_result(await self._run(request, command)))

    async def ReinstateMember(self, request: pb.ReinstateMemberRequest, context):
        command = ReinstateMember(member_id=convert.member_id(request.member_id),
                                  on=convert.business_date(request.effective_date, self._today()))
        return pb.ReinstateMemberResponse(result=_result(await self._run(request, command)))

    async def RenewDues(self, request: pb.RenewDuesRequest, context):
        command = RenewDues(member_id=convert.member_id(request.member_id), year=request.paid_until_year)
        return pb.RenewDuesResponse(result=_result(await self._run(request, command)))

    async def LeaveMember(self, request: pb.LeaveMemberRequest, context):
        command = LeaveMember(member_id=convert.member_id(request.member_id), reason=request.reason,
                              on=convert.business_date(request.effective_date, self._today()))
        return pb.LeaveMemberResponse(result=_result(await self._run(request, command)))

    # --- queries --------------------------------------------------------------------

    async def GetMember(self, request: pb.GetMemberRequest, context):
        member_id = convert.member_id(request.member_id)
        await self._caught_up(request.consistency_token)
        return pb.GetMemberResponse(member=convert.member_to_proto(await queries.get_member(self._pool, member_id)))

    async def ListMembers(self, request: pb.ListMembersRequest, context):
        member_filter = queries.MemberFilter(
            kind=convert.kind_filter(request.kind), scheme=convert.scheme_filter(request.scheme),
            status=convert.status_filter(request.status), name_contains=request.name_contains or None,
        )
        await self._caught_up(request.consistency_token)
        page = await queries.list_members(self._pool, member_filter, request.page.page_size, request.page.page_token)
        return pb.ListMembersResponse(
            members=[convert.member_to_proto(row) for row in page.rows],
            page=common_pb2.PageResponse(next_page_token=page.next_page_token, total_size=page.total_size),
        )

    async def CountMembers(self, request: pb.CountMembersRequest, context):
        status = convert.status_filter(request.status)
        await self._caught_up(request.consistency_token)
        by_kind, by_scheme = await queries.count_members(self._pool, status)
        return pb.CountMembersResponse(
            total=sum(by_kind.values()),
            by_kind=[pb.KindCount(kind=convert.to_enum(pb.Kind, "KIND_", k), count=n) for k, n in sorted(by_kind.items())],
            by_scheme=[pb.SchemeCount(scheme=convert.to_enum(pb.Scheme, "SCHEME_", s), count=n)
                       for s, n in sorted(by_scheme.items())],
        )
