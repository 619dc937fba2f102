"""The kit's command handler on grants: a grant is folded once per process, then only the events
after it are read; what another process appended is among them, so decisions never miss it."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.funding.application.commands import GRANT_DECIDER, FundingCommands
from services.funding.domain import AllocateShare, fold
from shared.application.command_handler import CommandHandler
from shared.application.requests import RequestMeta
from shared.contracts.funding import funding_registry
from shared.domain.errors import PreconditionFailed
from shared.domain.fields import Money
from shared.eventstore.memory import InMemoryEventStore
from tests.unit.funding.examples import AWARD, GRANT_ID, active


class CountingStore(InMemoryEventStore):
    """Remembers from which version each read_stream began."""

    def __init__(self) -> None:
        super().__init__("funding")
        self.reads: list[int] = []

    async def read_stream(self, stream_id: str, from_version: int = 1):
        self.reads.append(from_version)
        return await super().read_stream(stream_id, from_version)


async def every_member_is_active(member_id: uuid.UUID, after) -> object:
    return active(member_id, name=f"Ville {str(member_id)[:4]}")


def allocation(i: int, amount: int = 8_600_000) -> AllocateShare:
    return AllocateShare(grant_id=GRANT_ID, member_id=uuid.uuid5(GRANT_ID, str(i)), amount=Money.of(amount),
                         allocated_on=date(2017, 9, 1))


async def test_a_grant_is_read_whole_once_then_only_after_the_version_folded() -> None:
    store = CountingStore()
    commands = FundingCommands(store, every_member_is_active)
    await commands.execute(AWARD)
    for i in range(3):
        await commands.execute(allocation(i))
    # The award decides on the initial state (no read); then v1 whole, then after v2, v3.
    assert store.reads == [1, 2, 3]


async def test_what_another_process_appended_is_decided_on() -> None:
    store = InMemoryEventStore("funding")
    one, other = FundingCommands(store, every_member_is_active), FundingCommands(store, every_member_is_active)
    await one.execute(AWARD)
    for i in range(9):
        await (one if i % 2 else other).execute(allocation(i))
    await one.execute(allocation(9, 1))  # the tenth administration: no place is left after it
    with pytest.raises(PreconditionFailed, match="each has an allocation"):
        await other.execute(allocation(10, 1))


async def test_the_cached_state_is_the_state_the_stream_folds_to() -> None:
    store = InMemoryEventStore("funding")
    handler = CommandHandler(store, funding_registry(), GRANT_DECIDER)
    commands = FundingCommands(store, every_member_is_active)
    await commands.execute(AWARD)
    await handler.load(str(GRANT_ID))
    for i in range(4):
        await commands.execute(allocation(i), RequestMeta(request_id=f"a{i}"))
    state, version, position = await handler.load(str(GRANT_ID))
    registry = funding_registry()
    stream = await store.read_stream(str(GRANT_ID))
    assert state == fold(registry.decode(e.type, e.schema_version, e.data) for e in stream)
    assert (version, position) == (stream[-1].version, stream[-1].position) == (5, 5)
