"""A member's whole life through gRPC, and the directory's filters, paging and counts.

The module's service has its own empty database, so counts are exact. The directory tests
count the member test_lifecycle made (it runs first, in file order).
"""
from __future__ import annotations

import grpc
import pytest

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from tests.e2e.membership_process import MembershipService, admit_request, list_all, rid, siren

pytestmark = pytest.mark.e2e


def date(y: int, m: int, d: int) -> common_pb2.Date:
    return common_pb2.Date(year=y, month=m, day=d)


async def get(stub, member_id: str, token: str) -> pb.Member:
    return (await stub.GetMember(pb.GetMemberRequest(member_id=member_id, consistency_token=token), timeout=10)).member


async def test_lifecycle(membership: MembershipService):
    stub = membership.stub
    admitted = await stub.AdmitMember(admit_request(
        "Région Bretagne", kind=pb.KIND_REGION, siren=siren(235), territory="Bretagne",
        contacts=[pb.Contact(email="innovation@bretagne.example", name="Anne", role="directrice")],
        dues_paid_until=2025, effective_date=date(2025, 1, 15)), timeout=10)
    member_id = admitted.member_id
    m = await get(stub, member_id, admitted.result.consistency_token)
    assert (m.status, m.version, m.dues_paid_until, m.scheme, m.kind) == (
        pb.STATUS_ACTIVE, 1, 2025, pb.SCHEME_ASSOCIATION, pb.KIND_REGION)
    assert m.admitted_on == date(2025, 1, 15)
    assert [(c.email, c.name, c.role) for c in m.contacts] == [("innovation@bretagne.example", "Anne", "directrice")]

    r = await stub.SuspendMember(pb.SuspendMemberRequest(request_id=rid(), member_id=member_id, expected_version=1,
                                                         reason="dues unpaid", effective_date=date(2025, 6, 1)),
                                 timeout=10)
    m = await get(stub, member_id, r.result.consistency_token)
    assert (m.status, m.version, m.status_reason) == (pb.STATUS_SUSPENDED, 2, "dues unpaid")

    r = await stub.ReinstateMember(pb.ReinstateMemberRequest(request_id=rid(), member_id=member_id,
                                                             expected_version=2, effective_date=date(2025, 7, 1)),
                                   timeout=10)
    m = await get(stub, member_id, r.result.consistency_token)
    assert (m.status, m.version) == (pb.STATUS_ACTIVE, 3)

    r = await stub.RenewDues(pb.RenewDuesRequest(
        request_id=rid(), member_id=member_id, paid_until_year=2026,
        amount=common_pb2.Money(amount_cents=150000, currency="EUR")), timeout=10)
    m = await get(stub, member_id, r.result.consistency_token)
    assert (m.dues_paid_until, m.version) == (2026, 4)

    r = await stub.UpdateMemberProfile(pb.UpdateMemberProfileRequest(
        request_id=rid(), member_id=member_id, expected_version=4, name="Région Bretagne (Conseil régional)",
        kind=pb.KIND_REGION, territory="Bretagne, France",
        contacts=[pb.Contact(email="dg@bretagne.example", name="Bruno", role="DG")]), timeout=10)
    m = await get(stub, member_id, r.result.consistency_token)
    assert m.name == "Région Bretagne (Conseil régional)"
    assert m.territory == "Bretagne, France"
    assert [c.email for c in m.contacts] == ["dg@bretagne.example"]
    assert m.version == 5 and m.siren == siren(235)

    r = await stub.LeaveMember(pb.LeaveMemberRequest(request_id=rid(), member_id=member_id, reason="budget",
                                                     effective_date=date(2025, 12, 31)), timeout=10)
    m = await get(stub, member_id, r.result.consistency_token)
    assert (m.status, m.version, m.status_reason) == (pb.STATUS_LEFT, 6, "budget")
    assert m.left_on == date(2025, 12, 31)

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReinstateMember(pb.ReinstateMemberRequest(request_id=rid(), member_id=member_id), timeout=10)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


DIRECTORY = [
    # name, scheme, kind
    ("Métropole de Lyon", pb.SCHEME_ASSOCIATION, pb.KIND_METROPOLE),
    ("Département de l'Hérault", pb.SCHEME_ASSOCIATION, pb.KIND_DEPARTEMENT),
    ("Commune d'Étel", pb.SCHEME_HALLES_CIVIQUES, pb.KIND_COMMUNE),
    ("Commune de Saint-Étienne", pb.SCHEME_ASSOCIATION, pb.KIND_COMMUNE),
    ("Commune de Saint-Étienne", pb.SCHEME_HALLES_CIVIQUES, pb.KIND_COMMUNE),  # same org, other scheme
    ("Association Les Halles", pb.SCHEME_HALLES_CIVIQUES, pb.KIND_ASSOCIATION),
    ("Préfecture du Rhône", pb.SCHEME_ASSOCIATION, pb.KIND_STATE_SERVICE),
]


@pytest.fixture(scope="module")
async def directory(membership: MembershipService) -> dict:
    """The DIRECTORY admitted, one of them suspended; returns ids and the last token."""
    stub = membership.stub
    ids = {}
    for name, scheme, kind in DIRECTORY:
        reply = await stub.AdmitMember(admit_request(name, scheme=scheme, kind=kind), timeout=10)
        ids[(name, scheme)] = reply.member_id
    suspended = await stub.SuspendMember(pb.SuspendMemberRequest(
        request_id=rid(), member_id=ids[("Commune d'Étel", pb.SCHEME_HALLES_CIVIQUES)], reason="r"), timeout=10)
    assert ids[("Commune de Saint-Étienne", pb.SCHEME_ASSOCIATION)] != \
        ids[("Commune de Saint-Étienne", pb.SCHEME_HALLES_CIVIQUES)]
    return {"ids": ids, "token": suspended.result.consistency_token}


async def test_filters(membership: MembershipService, directory: dict):
    stub, token, ids = membership.stub, directory["token"], directory["ids"]
    everyone = await list_all(stub, token)
    # Every member of the module, including the one test_lifecycle made (it left).
    assert set(ids.values()) <= {m.member_id for m in everyone}
    names = [m.name for m in everyone]
    assert len(names) == len(set(m.member_id for m in everyone))

    communes = await list_all(stub, token, kind=pb.KIND_COMMUNE)
    assert sorted(m.name for m in communes) == ["Commune d'Étel", "Commune de Saint-Étienne",
                                                "Commune de Saint-Étienne"]
    halles = await list_all(stub, token, scheme=pb.SCHEME_HALLES_CIVIQUES)
    assert {m.name for m in halles} == {"Commune d'Étel", "Commune de Saint-Étienne", "Association Les Halles"}
    both = await list_all(stub, token, scheme=pb.SCHEME_HALLES_CIVIQUES, kind=pb.KIND_COMMUNE)
    assert len(both) == 2
    suspended = await list_all(stub, token, status=pb.STATUS_SUSPENDED)
    assert [m.name for m in suspended] == ["Commune d'Étel"]
    left = await list_all(stub, token, status=pb.STATUS_LEFT)
    assert [m.kind for m in left] == [pb.KIND_REGION]

    # Name search: case- and accent-insensitive substring, both ways.
    assert len(await list_all(stub, token, name_contains="saint-etienne")) == 2
    assert len(await list_all(stub, token, name_contains="SAINT ÉTIENNE")) == 2
    assert [m.name for m in await list_all(stub, token, name_contains="herault")] == ["Département de l'Hérault"]
    assert [m.name for m in await list_all(stub, token, name_contains="Préf")] == ["Préfecture du Rhône"]
    assert [m.name for m in await list_all(stub, token, name_contains="etel")] == ["Commune d'Étel"]
    assert await list_all(stub, token, name_contains="Toulouse") == []


async def test_paging_walks_everything_once(membership: MembershipService, directory: dict):
    stub, token = membership.stub, directory["token"]
    everyone = await list_all(stub, token)
    pages, seen, page_token = 0, [], ""
    while True:
        reply = await stub.ListMembers(pb.ListMembersRequest(
            page=common_pb2.PageRequest(page_size=2, page_token=page_token), consistency_token=token), timeout=10)
        assert len(reply.members) <= 2
        assert reply.page.total_size == len(everyone)
        seen += [m.member_id for m in reply.members]
        pages += 1
        page_token = reply.page.next_page_token
        if not page_token:
            break
    assert seen == [m.member_id for m in everyone]  # same order, no gaps, no repeats
    assert len(set(seen)) == len(everyone)
    assert pages == (len(everyone) + 1) // 2

    # Paging a filtered list keeps the filter.
    filtered, page_token = [], ""
    while True:
        reply = await stub.ListMembers(pb.ListMembersRequest(
            page=common_pb2.PageRequest(page_size=2, page_token=page_token), kind=pb.KIND_COMMUNE,
            consistency_token=token), timeout=10)
        assert reply.page.total_size == 3
        filtered += list(reply.members)
        page_token = reply.page.next_page_token
        if not page_token:
            break
    assert [m.kind for m in filtered] == [pb.KIND_COMMUNE] * 3


async def test_counts(membership: MembershipService, directory: dict):
    stub, token = membership.stub, directory["token"]
    counts = await stub.CountMembers(pb.CountMembersRequest(consistency_token=token), timeout=10)
    by_kind = {c.kind: c.count for c in counts.by_kind}
    by_scheme = {c.scheme: c.count for c in counts.by_scheme}
    # DIRECTORY plus test_lifecycle's region (association scheme, left).
    assert counts.total == len(DIRECTORY) + 1
    assert by_kind == {pb.KIND_METROPOLE: 1, pb.KIND_DEPARTEMENT: 1, pb.KIND_COMMUNE: 3, pb.KIND_ASSOCIATION: 1,
                       pb.KIND_STATE_SERVICE: 1, pb.KIND_REGION: 1}
    assert by_scheme == {pb.SCHEME_ASSOCIATION: 5, pb.SCHEME_HALLES_CIVIQUES: 3}
    assert sum(by_kind.values()) == sum(by_scheme.values()) == counts.total

    active = await stub.CountMembers(pb.CountMembersRequest(status=pb.STATUS_ACTIVE, consistency_token=token),
                                     timeout=10)
    assert active.total == len(DIRECTORY) - 1
    suspended = await stub.CountMembers(pb.CountMembersRequest(status=pb.STATUS_SUSPENDED, consistency_token=token),
                                        timeout=10)
    assert {c.kind: c.count for c in suspended.by_kind} == {pb.KIND_COMMUNE: 1}
    assert {c.scheme: c.count for c in suspended.by_scheme} == {pb.SCHEME_HALLES_CIVIQUES: 1}
