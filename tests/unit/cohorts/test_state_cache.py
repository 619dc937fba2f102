"""The kit's command handler keeps cohorts' states as it folded them: it reads only the events
after the kept version, still sees what another process appended, never holds more than its
bound, and a kept cohort equals one folded from scratch."""
from __future__ import annotations

import uuid
from datetime import date

from services.cohorts.application.commands import COHORT_DECIDER
from services.cohorts.domain import HostStanding, StartCohort, WithFacts
from shared.application.command_handler import CommandHandler
from shared.contracts.cohorts import cohorts_registry
from shared.eventstore.memory import InMemoryEventStore
from tests.unit.cohorts.examples import LAB, OPEN_LAB, OPEN_LAB_AS_MEMBER, enrol


class CountingStore(InMemoryEventStore):
    """Remembers the version each stream read started from."""

    def __init__(self) -> None:
        super().__init__("cohorts")
        self.reads: list[tuple[str, int]] = []

    async def read_stream(self, stream_id: str, from_version: int = 1):
        self.reads.append((stream_id, from_version))
        return await super().read_stream(stream_id, from_version)


def handler(store, **options) -> CommandHandler:
    return CommandHandler(store, cohorts_registry(), COHORT_DECIDER, **options)


async def folded_from_scratch(store) -> object:
    return (await CommandHandler(store, cohorts_registry(), COHORT_DECIDER).load(str(LAB)))[0]


async def test_reads_only_what_came_after_the_kept_state_and_sees_other_writers():
    store = CountingStore()
    here, elsewhere = handler(store), handler(store)  # two processes on one store
    await here.handle(str(LAB), OPEN_LAB_AS_MEMBER, assume_new=True)
    await here.handle(str(LAB), StartCohort(cohort_id=LAB, on=date(2016, 6, 1)))
    await elsewhere.handle(str(LAB), enrol(1))
    store.reads.clear()
    await here.handle(str(LAB), enrol(2))
    assert store.reads == [(str(LAB), 2)]  # kept at version 1 (its last load), so from 2 on
    state, version, _position = await here.load(str(LAB))
    assert store.reads[-1] == (str(LAB), 4)  # kept at 3 by the enrolment's own load
    assert version == 4 and set(state.agents) == {enrol(1).agent_id, enrol(2).agent_id}
    assert state == await folded_from_scratch(store)


async def test_keeps_at_most_its_bound_of_streams():
    store = CountingStore()
    small = handler(store, kept=1)
    other = uuid.UUID("0b1c27e0-0000-4000-8000-000000000002")
    await small.handle(str(LAB), OPEN_LAB_AS_MEMBER, assume_new=True)
    await small.handle(str(other), WithFacts(OPEN_LAB.model_copy(update={"cohort_id": other}), HostStanding.ACTIVE),
                       assume_new=True)
    await small.load(str(other))  # kept; LAB, the least recently used, dropped
    await small.load(str(LAB))
    assert store.reads[-2:] == [(str(other), 1), (str(LAB), 1)]
    await small.load(str(LAB))
    assert store.reads[-1] == (str(LAB), 2)
    await small.load("a-stream-with-nothing")  # nothing there: nothing kept, LAB stays
    await small.load(str(LAB))
    assert store.reads[-1] == (str(LAB), 2)
