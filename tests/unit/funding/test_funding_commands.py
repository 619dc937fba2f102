"""FundingCommands on the in-memory store: which stream a command addresses, the facts an
allocation is decided with (and the token they are looked up after), retries."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

import pytest

from services.funding.application.commands import FundingCommands
from services.funding.domain import Administration, AllocateShare, FreezeAllocation
from shared.application.requests import RequestMeta
from shared.contracts.funding import AllocationFrozen, GrantAwarded, ShareAllocated, Tranche, TrancheFellDue
from shared.contracts.membership import MemberStatus
from shared.domain.errors import PreconditionFailed
from shared.eventstore.memory import InMemoryEventStore
from tests.unit.funding.examples import AWARD, GRANT_ID, MULHOUSE, SHARE

TOKEN = "lab27.membership.events:41"


class Membership:
    """Funding's view of membership, as a table of standings; remembers what it was asked."""

    def __init__(self, status: MemberStatus | None = MemberStatus.ACTIVE) -> None:
        self.status = status
        self.asked: list[tuple[uuid.UUID, dict[str, int]]] = []

    async def __call__(self, member_id: uuid.UUID, after: Mapping[str, int]) -> Administration:
        self.asked.append((member_id, dict(after)))
        return Administration(member_id, name="Ville de Mulhouse", status=self.status)


ALLOCATE = AllocateShare(grant_id=GRANT_ID, member_id=MULHOUSE, amount=SHARE, allocated_on=date(2017, 9, 1))


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore("funding")


async def test_an_award_addresses_the_stream_of_its_derived_grant_id(store) -> None:
    commands = FundingCommands(store, Membership())
    grant_id, outcome = await commands.execute(AWARD)
    assert grant_id == GRANT_ID and outcome.stream_id == str(GRANT_ID)
    assert [type(e) for e in outcome.events] == [GrantAwarded]


async def test_an_allocation_is_decided_with_the_views_facts_looked_up_after_the_token(store) -> None:
    membership = Membership()
    commands = FundingCommands(store, membership)
    await commands.execute(AWARD)
    grant_id, outcome = await commands.execute(ALLOCATE, RequestMeta(consistency_token=TOKEN))
    assert grant_id == GRANT_ID
    assert [type(e) for e in outcome.events] == [ShareAllocated]
    assert outcome.events[0].administration == "Ville de Mulhouse"
    # Once before deciding (after the token), once after storing (for what arrived in between).
    assert membership.asked == [(MULHOUSE, {"lab27.membership.events": 41}), (MULHOUSE, {})]


async def test_an_allocation_to_a_member_that_left_is_refused(store) -> None:
    commands = FundingCommands(store, Membership(MemberStatus.LEFT))
    await commands.execute(AWARD)
    with pytest.raises(PreconditionFailed, match="has left the association"):
        await commands.execute(ALLOCATE)
    assert len(await store.read_stream(str(GRANT_ID))) == 1


async def test_a_retried_allocation_answers_the_first_result_even_once_the_member_has_left(store) -> None:
    membership = Membership()
    commands = FundingCommands(store, membership)
    await commands.execute(AWARD)
    _, first = await commands.execute(ALLOCATE, RequestMeta(request_id="allocate-mulhouse"))
    membership.status = MemberStatus.LEFT
    _, again = await commands.execute(ALLOCATE, RequestMeta(request_id="allocate-mulhouse"))
    assert again.duplicate and (again.version, again.position) == (first.version, first.position)
    assert len(await store.read_stream(str(GRANT_ID))) == 2


async def test_other_commands_address_their_grant_without_asking_membership(store) -> None:
    membership = Membership()
    commands = FundingCommands(store, membership)
    await commands.execute(AWARD)
    await commands.execute(ALLOCATE)
    freeze = FreezeAllocation(grant_id=GRANT_ID, member_id=MULHOUSE, reason="audit", on=date(2018, 1, 1))
    _, outcome = await commands.execute(freeze)
    _, again = await commands.execute(freeze)  # frozen already: nothing stored, the stream's end as token
    assert outcome.version == 3 and again.events == () and again.version == 3
    assert len(membership.asked) == 2  # the allocation's two looks, none for the freeze


class Changing:
    """The views as the allocation's first look found them, then as its second look does."""

    def __init__(self, *looks: Administration) -> None:
        self.looks = list(looks)

    async def __call__(self, member_id: uuid.UUID, after: Mapping[str, int]) -> Administration:
        return self.looks.pop(0) if len(self.looks) > 1 else self.looks[0]


ACTIVE = Administration(MULHOUSE, name="Ville de Mulhouse", status=MemberStatus.ACTIVE)
COHORT = uuid.UUID("c0000000-0000-5000-8000-000000000068")


async def test_a_lab_started_while_the_allocation_was_decided_makes_its_first_tranche_due(store) -> None:
    started = Administration(MULHOUSE, name="Ville de Mulhouse", status=MemberStatus.ACTIVE, cohort_id=COHORT,
                             cohort_started_on=date(2017, 9, 4))
    commands = FundingCommands(store, Changing(ACTIVE, started))
    await commands.execute(AWARD)
    _, outcome = await commands.execute(ALLOCATE, RequestMeta(request_id="allocate"))
    assert [type(e) for e in outcome.events] == [ShareAllocated, TrancheFellDue]
    fell_due = outcome.events[1]
    assert (fell_due.tranche, fell_due.due_on, fell_due.cohort_id) == (Tranche.FIRST, date(2017, 9, 4), COHORT)
    assert outcome.version == 3 and not outcome.duplicate
    _, again = await commands.execute(ALLOCATE, RequestMeta(request_id="allocate"))
    assert again.duplicate and len(await store.read_stream(str(GRANT_ID))) == 3


async def test_a_departure_while_the_allocation_was_decided_freezes_it(store) -> None:
    left = Administration(MULHOUSE, name="Ville de Mulhouse", status=MemberStatus.LEFT,
                          status_since=date(2017, 9, 2))
    commands = FundingCommands(store, Changing(ACTIVE, left))
    await commands.execute(AWARD)
    _, outcome = await commands.execute(ALLOCATE)
    assert [type(e) for e in outcome.events] == [ShareAllocated, AllocationFrozen]
    assert outcome.events[1].frozen_amount == SHARE and outcome.events[1].frozen_on == date(2017, 9, 2)


async def test_nothing_new_in_the_views_stores_nothing_more(store) -> None:
    commands = FundingCommands(store, Changing(ACTIVE, ACTIVE))
    await commands.execute(AWARD)
    _, outcome = await commands.execute(ALLOCATE)
    assert [type(e) for e in outcome.events] == [ShareAllocated] and outcome.version == 2
