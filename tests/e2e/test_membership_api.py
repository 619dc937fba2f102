"""Membership through gRPC only: read-your-writes, racing duplicates, idempotent retries,
bad input and the error codes of the API contract (never UNKNOWN)."""
from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from shared.grpc.client import field_violations
from tests.e2e.membership_process import MembershipService, admit_request, list_all, rid, siren

pytestmark = pytest.mark.e2e


async def total(stub, token: str = "") -> int:
    return (await stub.CountMembers(pb.CountMembersRequest(consistency_token=token), timeout=10)).total


async def code_of(awaitable) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await awaitable
    return caught.value.code()


# --- read your writes -------------------------------------------------------------------


async def test_read_your_writes(membership: MembershipService):
    stub = membership.stub
    for i in range(5):  # several times: the first one must not be the only lucky one
        name = f"Commune de Lecture {i}"
        admitted = await stub.AdmitMember(admit_request(name, siren=siren(1000 + i)), timeout=10)
        token = admitted.result.consistency_token
        assert token and admitted.result.version == 1 and not admitted.result.duplicate

        got = await stub.GetMember(pb.GetMemberRequest(member_id=admitted.member_id, consistency_token=token),
                                   timeout=10)
        assert got.member.name == name
        assert got.member.siren == siren(1000 + i)
        assert got.member.status == pb.STATUS_ACTIVE
        assert got.member.version == 1

        listed = await stub.ListMembers(pb.ListMembersRequest(name_contains=name, consistency_token=token),
                                        timeout=10)
        assert [m.member_id for m in listed.members] == [admitted.member_id]

        # A later command's token on the same member: the query sees that write too.
        suspended = await stub.SuspendMember(pb.SuspendMemberRequest(
            request_id=rid(), member_id=admitted.member_id, reason="audit"), timeout=10)
        got = await stub.GetMember(pb.GetMemberRequest(
            member_id=admitted.member_id, consistency_token=suspended.result.consistency_token), timeout=10)
        assert got.member.status == pb.STATUS_SUSPENDED and got.member.version == 2


# --- duplicates ---------------------------------------------------------------------------


async def test_racing_admissions_of_one_organisation_give_one_success(membership: MembershipService):
    stub = membership.stub
    # Different spellings of one organisation: same normalised name -> same member id.
    names = ["Ville de Rennes", "ville de rennes", "VILLE  DE RENNES", "Ville-de-Rennes"]

    async def admit(i: int):
        try:
            return await stub.AdmitMember(admit_request(names[i % len(names)]), timeout=20)
        except grpc.aio.AioRpcError as error:
            return error

    results = await asyncio.gather(*(admit(i) for i in range(20)))
    successes = [r for r in results if isinstance(r, pb.AdmitMemberResponse)]
    failures = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(successes) == 1, [r.code() for r in failures]
    assert {f.code() for f in failures} == {grpc.StatusCode.ALREADY_EXISTS}
    assert len(failures) == 19

    won = successes[0]
    listed = await list_all(stub, won.result.consistency_token, name_contains="ville de rennes")
    assert [m.member_id for m in listed] == [won.member_id]

    # The same race with a SIREN as the identity key (names differ, SIREN decides).
    org = siren(4242)

    async def admit_siren(i: int):
        try:
            return await stub.AdmitMember(admit_request(f"Métropole variante {i}", siren=org,
                                                        kind=pb.KIND_METROPOLE), timeout=20)
        except grpc.aio.AioRpcError as error:
            return error

    results = await asyncio.gather(*(admit_siren(i) for i in range(20)))
    assert sum(isinstance(r, pb.AdmitMemberResponse) for r in results) == 1
    assert [r.code() for r in results if isinstance(r, grpc.aio.AioRpcError)] == [grpc.StatusCode.ALREADY_EXISTS] * 19


async def test_same_request_id_twice_is_one_write(membership: MembershipService):
    stub = membership.stub
    request = admit_request("Département du Doublon", kind=pb.KIND_DEPARTEMENT, siren=siren(777))
    first = await stub.AdmitMember(request, timeout=10)
    again = await stub.AdmitMember(request, timeout=10)
    assert not first.result.duplicate and again.result.duplicate
    assert again.member_id == first.member_id
    assert again.result.version == first.result.version == 1
    assert again.result.consistency_token == first.result.consistency_token

    # Many concurrent retries of one request: all return the same first result.
    retries = await asyncio.gather(*(stub.AdmitMember(request, timeout=10) for _ in range(10)))
    assert all(r.result.duplicate and r.member_id == first.member_id and r.result.version == 1 for r in retries)

    got = await stub.GetMember(pb.GetMemberRequest(
        member_id=first.member_id, consistency_token=again.result.consistency_token), timeout=10)
    assert got.member.version == 1

    # A retried lifecycle command: one event, the second answer is the first one's.
    suspend = pb.SuspendMemberRequest(request_id=rid(), member_id=first.member_id, reason="late dues")
    s1 = await stub.SuspendMember(suspend, timeout=10)
    s2 = await stub.SuspendMember(suspend, timeout=10)
    assert (s1.result.version, s1.result.duplicate) == (2, False)
    assert (s2.result.version, s2.result.duplicate) == (2, True)
    got = await stub.GetMember(pb.GetMemberRequest(
        member_id=first.member_id, consistency_token=s2.result.consistency_token), timeout=10)
    assert got.member.version == 2 and got.member.status == pb.STATUS_SUSPENDED


# --- bad input ------------------------------------------------------------------------------

BIG = "x" * 100_000

BAD_ADMISSIONS = {
    "empty name": (admit_request(""), "name"),
    "blank name": (admit_request("   "), "name"),
    "unknown kind": (admit_request("Commune Inconnue", kind=99), "kind"),
    "unspecified kind": (admit_request("Commune Sans Type", kind=pb.KIND_UNSPECIFIED), "kind"),
    "unspecified scheme": (admit_request("Commune Sans Régime", scheme=pb.SCHEME_UNSPECIFIED), "scheme"),
    "short siren": (admit_request("Commune Siren Court", siren="12345"), "siren"),
    "letters in siren": (admit_request("Commune Siren Lettres", siren="12345678A"), "siren"),
    "siren check digit": (admit_request("Commune Siren Luhn", siren=siren(31)[:-1]
                                        + str((int(siren(31)[-1]) + 1) % 10)), "siren"),
    "100 kB name": (admit_request(BIG), "name"),
    "100 kB territory": (admit_request("Commune Territoire Énorme", territory=BIG), "territory"),
    "100 kB siren": (admit_request("Commune Siren Énorme", siren="1" * 100_000), "siren"),
    "bad contact email": (admit_request("Commune Contact", contacts=[pb.Contact(email="nope")]),
                          "contacts[0].email"),
    "100 kB request id": (admit_request("Commune Requête", request_id="r" * 100_000), "request_id"),
    "bad effective date": (admit_request("Commune Date", effective_date=common_pb2.Date(year=2025, month=2,
                                                                                          day=30)),
                           "effective_date"),
}


@pytest.mark.parametrize("case", list(BAD_ADMISSIONS))
async def test_bad_admission_is_invalid_argument_naming_the_field(membership: MembershipService, case: str):
    stub = membership.stub
    # A write first, so the counts below are read after everything before this test.
    marker = await stub.AdmitMember(admit_request(f"Témoin {uuid.uuid4().hex[:8]}"), timeout=10)
    before = await total(stub, marker.result.consistency_token)
    names_before = {m.member_id for m in await list_all(stub, marker.result.consistency_token)}

    request, field = BAD_ADMISSIONS[case]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.AdmitMember(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    fields = [v.field for v in field_violations(caught.value)]
    assert field in fields, fields
    assert len(caught.value.details() or "") < 2000  # the 100 kB value is not echoed back

    # Nothing stored: the next write's token covers the refused call, and nothing new shows.
    after_marker = await stub.AdmitMember(admit_request(f"Témoin {uuid.uuid4().hex[:8]}"), timeout=10)
    token = after_marker.result.consistency_token
    assert await total(stub, token) == before + 1
    names_after = {m.member_id for m in await list_all(stub, token)}
    assert names_after - names_before == {after_marker.member_id}


async def test_every_bad_field_of_an_admission_is_reported_at_once(membership: MembershipService):
    request = admit_request("", kind=99, siren="abc", territory=BIG, contacts=[pb.Contact(email="nope")])
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await membership.stub.AdmitMember(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in field_violations(caught.value)}
    assert {"name", "kind", "siren", "territory", "contacts[0].email"} <= fields, fields


async def test_error_codes_of_member_commands_and_queries(membership: MembershipService):
    stub = membership.stub
    admitted = await stub.AdmitMember(admit_request("Agglomération des Codes", kind=pb.KIND_AGGLOMERATION),
                                      timeout=10)
    member_id = admitted.member_id

    # Malformed member ids: INVALID_ARGUMENT naming member_id, on commands and queries.
    for bad in ("", "not-a-uuid", "x" * 100_000):
        for call in (
            stub.GetMember(pb.GetMemberRequest(member_id=bad), timeout=10),
            stub.SuspendMember(pb.SuspendMemberRequest(request_id=rid(), member_id=bad, reason="r"), timeout=10),
            stub.RenewDues(pb.RenewDuesRequest(request_id=rid(), member_id=bad, paid_until_year=2026), timeout=10),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "member_id" in [v.field for v in field_violations(caught.value)]

    # Unknown member: NOT_FOUND for a query and for every command.
    unknown = str(uuid.uuid4())
    assert await code_of(stub.GetMember(pb.GetMemberRequest(
        member_id=unknown, consistency_token=admitted.result.consistency_token), timeout=10)) \
        == grpc.StatusCode.NOT_FOUND
    for call in (
        stub.SuspendMember(pb.SuspendMemberRequest(request_id=rid(), member_id=unknown, reason="r"), timeout=10),
        stub.ReinstateMember(pb.ReinstateMemberRequest(request_id=rid(), member_id=unknown), timeout=10),
        stub.RenewDues(pb.RenewDuesRequest(request_id=rid(), member_id=unknown, paid_until_year=2026), timeout=10),
        stub.LeaveMember(pb.LeaveMemberRequest(request_id=rid(), member_id=unknown, reason="r"), timeout=10),
        stub.UpdateMemberProfile(pb.UpdateMemberProfileRequest(request_id=rid(), member_id=unknown, name="N"),
                                 timeout=10),
    ):
        assert await code_of(call) == grpc.StatusCode.NOT_FOUND

    # Wrong expected version: ABORTED, and nothing written.
    assert await code_of(stub.SuspendMember(pb.SuspendMemberRequest(
        request_id=rid(), member_id=member_id, expected_version=7, reason="r"), timeout=10)) \
        == grpc.StatusCode.ABORTED
    ok = await stub.SuspendMember(pb.SuspendMemberRequest(
        request_id=rid(), member_id=member_id, expected_version=1, reason="r"), timeout=10)
    assert ok.result.version == 2

    # Reinstating twice: the second one finds an active member.
    await stub.ReinstateMember(pb.ReinstateMemberRequest(request_id=rid(), member_id=member_id), timeout=10)
    assert await code_of(stub.ReinstateMember(pb.ReinstateMemberRequest(
        request_id=rid(), member_id=member_id), timeout=10)) == grpc.StatusCode.FAILED_PRECONDITION

    # A member that left accepts no command: FAILED_PRECONDITION.
    left = await stub.LeaveMember(pb.LeaveMemberRequest(request_id=rid(), member_id=member_id, reason="bye"),
                                  timeout=10)
    for call in (
        stub.SuspendMember(pb.SuspendMemberRequest(request_id=rid(), member_id=member_id, reason="r"), timeout=10),
        stub.ReinstateMember(pb.ReinstateMemberRequest(request_id=rid(), member_id=member_id), timeout=10),
        stub.RenewDues(pb.RenewDuesRequest(request_id=rid(), member_id=member_id, paid_until_year=2027), timeout=10),
        stub.LeaveMember(pb.LeaveMemberRequest(request_id=rid(), member_id=member_id, reason="again"), timeout=10),
        stub.UpdateMemberProfile(pb.UpdateMemberProfileRequest(request_id=rid(), member_id=member_id,
                                                               name="Agglomération des Codes"), timeout=10),
    ):
        assert await code_of(call) == grpc.StatusCode.FAILED_PRECONDITION
    got = await stub.GetMember(pb.GetMemberRequest(member_id=member_id,
                                                   consistency_token=left.result.consistency_token), timeout=10)
    assert got.member.status == pb.STATUS_LEFT and got.member.version == left.result.version

    # Queries: malformed token and page token are INVALID_ARGUMENT, never UNKNOWN.
    assert await code_of(stub.GetMember(pb.GetMemberRequest(member_id=member_id, consistency_token="bogus"),
                                        timeout=10)) == grpc.StatusCode.INVALID_ARGUMENT
    assert await code_of(stub.ListMembers(pb.ListMembersRequest(
        page=common_pb2.PageRequest(page_token="%%%"), consistency_token=""), timeout=10)) \
        == grpc.StatusCode.INVALID_ARGUMENT
    assert await code_of(stub.ListMembers(pb.ListMembersRequest(
        page=common_pb2.PageRequest(page_size=-1)), timeout=10)) == grpc.StatusCode.INVALID_ARGUMENT
    assert await code_of(stub.ListMembers(pb.ListMembersRequest(kind=99), timeout=10)) \
        == grpc.StatusCode.INVALID_ARGUMENT
    assert await code_of(stub.CountMembers(pb.CountMembersRequest(status=42), timeout=10)) \
        == grpc.StatusCode.INVALID_ARGUMENT
    # A token far ahead of anything written: bounded wait, then UNAVAILABLE (retryable).
    assert await code_of(stub.GetMember(pb.GetMemberRequest(member_id=member_id, consistency_token="lab27.membership.events:999999999"),
                                        timeout=10)) == grpc.StatusCode.UNAVAILABLE


async def test_no_call_answered_unknown(membership: MembershipService):
    assert membership.recorder.codes, "the recorder saw no call"
    assert not [c for _m, c in membership.recorder.codes if c == grpc.StatusCode.UNKNOWN]
    assert not membership.recorder.unexpected()
