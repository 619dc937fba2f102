"""Ten allocations racing for the last share of a grant, on the real store (group commit).

Every allocation of a grant is on the grant's stream: commands to it are decided one at a
time in a process, and a conflict with another process is decided again on the fresh state.
Either way exactly one allocation wins and the others are refused by the rule, with
FAILED_PRECONDITION (PreconditionFailed) naming what remains of the grant.
"""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import date

import pytest

from services.funding.application.commands import FundingCommands
from services.funding.domain import Administration, AllocateShare, AwardGrant
from shared.application.requests import RequestMeta
from shared.contracts.funding import ShareAllocated
from shared.contracts.membership import MemberStatus
from shared.domain.errors import PreconditionFailed
from shared.domain.fields import Money
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration

SHARE = Money.of(8_600_000)
RACING = Money.of(5_000_000)  # two of these do not fit in the 86,000 left
AWARD = AwardGrant(funder="Bloomberg Philanthropies", amount=Money.of(86_000_000), awarded_on=date(2017, 7, 1),
                   administrations=20, funder_share_bp=4500)
MEMBERS = [uuid.uuid5(uuid.NAMESPACE_URL, f"lab27:administration:{i}") for i in range(19)]


async def every_member_is_active(member_id: uuid.UUID, after: Mapping[str, int]) -> Administration:
    """The outside fact, fixed: every administration is an active member of the association."""
    return Administration(member_id, name=f"Administration {MEMBERS.index(member_id)}", status=MemberStatus.ACTIVE)


def allocation(grant_id: uuid.UUID, member_id: uuid.UUID, amount: Money) -> AllocateShare:
    return AllocateShare(grant_id=grant_id, member_id=member_id, amount=amount, allocated_on=date(2017, 9, 1))


async def grant_with_86_000_left(commands: FundingCommands) -> uuid.UUID:
    grant_id, _ = await commands.execute(AWARD, RequestMeta(request_id="award"))
    for i, member_id in enumerate(MEMBERS[:9]):
        await commands.execute(allocation(grant_id, member_id, SHARE), RequestMeta(request_id=f"first-{i}"))
    return grant_id


def assert_one_winner(results: list, stream: list) -> None:
    won = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(refused) == 9, results
    assert [type(r) for r in refused] == [PreconditionFailed] * 9, refused
    for error in refused:
        assert "36 000.00 EUR of 860 000.00 EUR remains" in error.message, error.message
    allocated = [e for e in stream if e.type == ShareAllocated.event_type]
    assert len(allocated) == 10
    assert sum(e.data["amount"]["amount_cents"] for e in allocated) == 86_000_000 - 3_600_000


async def test_ten_allocations_for_the_last_share_in_one_process_give_one_winner(fresh_dsn: str) -> None:
    store = await open_store(fresh_dsn, "funding", max_size=8)
    try:
        commands = FundingCommands(store, every_member_is_active)
        grant_id = await grant_with_86_000_left(commands)
        racers = [commands.execute(allocation(grant_id, m, RACING), RequestMeta(request_id=f"race-{i}"))
                  for i, m in enumerate(MEMBERS[9:])]
        results = await asyncio.gather(*racers, return_exceptions=True)
        assert_one_winner(results, await store.read_stream(str(grant_id)))
    finally:
        await store.close()


async def test_ten_allocations_for_the_last_share_from_two_processes_give_one_winner(fresh_dsn: str) -> None:
    # Two stores and two handlers on one database, as two API processes would be: the loser
    # of a version conflict decides again on the fresh state and is refused by the rule.
    stores = [await open_store(fresh_dsn, "funding", max_size=4) for _ in range(2)]
    try:
        sides = [FundingCommands(store, every_member_is_active) for store in stores]
        grant_id = await grant_with_86_000_left(sides[0])
        racers = [sides[i % 2].execute(allocation(grant_id, m, RACING), RequestMeta(request_id=f"race-{i}"))
                  for i, m in enumerate(MEMBERS[9:])]
        results = await asyncio.gather(*racers, return_exceptions=True)
        assert_one_winner(results, await stores[0].read_stream(str(grant_id)))
    finally:
        for store in stores:
            await store.close()
