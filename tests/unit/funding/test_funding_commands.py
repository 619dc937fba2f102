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
from shared.contracts.funding import GrantAwarded, ShareAllocated
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
    assert membership.asked == [(MULHOUSE, {"lab27.membership.events": 41})]


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
    assert len(membership.asked) == 1
