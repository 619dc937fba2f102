"""Funding commands: pick the grant's stream, gather the facts an allocation needs, then
load -> decide -> append.

Every command addresses one grant stream, so the command handler decides the commands to
one grant one at a time in this process and decides again on a conflict with another
process: ten allocations racing for the last share give one winner and nine refusals that
name what remains.

An allocation reads the local views again once it is stored, for a lab that started or a
departure that arrived in between (domain/late_facts.py): the reactions could not see it.
"""
from __future__ import annotations

from uuid import UUID

from shared.application.command_handler import CommandHandler, CommandOutcome
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.contracts.funding import STREAM_TYPE, funding_registry
from shared.eventstore.base import EventStore
from services.funding.application.administrations import AdministrationLookup
from services.funding.domain import (
    AllocateShare,
    AwardGrant,
    GrantCommand,
    WithAdministration,
    award_grant_id,
    decide,
    evolve,
    initial,
)
from services.funding.domain.late_facts import learned_since

GRANT_DECIDER: Decider = Decider(STREAM_TYPE, initial, evolve, decide)


class FundingCommands:
    def __init__(self, store: EventStore, administrations: AdministrationLookup) -> None:
        self._handler = CommandHandler(store, funding_registry(), GRANT_DECIDER)
        self._administrations = administrations

    async def execute(self, command: GrantCommand, meta: RequestMeta = RequestMeta()) -> tuple[UUID, CommandOutcome]:
        """Runs one command; returns the grant id it addressed and what was stored."""
        if isinstance(command, AwardGrant):
            grant_id = award_grant_id(command)
            return grant_id, await self._handler.run(str(grant_id), command, meta, assume_new=True)
        if isinstance(command, AllocateShare):
            return command.grant_id, await self._allocate(command, meta)
        return command.grant_id, await self._handler.run(str(command.grant_id), command, meta)

    async def _allocate(self, command: AllocateShare, meta: RequestMeta) -> CommandOutcome:
        # Looked up before the stream's turn: the views' wait must not hold the grant's lock.
        facts = await self._administrations(command.member_id, meta.after)
        outcome = await self._handler.run(str(command.grant_id), WithAdministration(command, facts), meta)
        if outcome.duplicate:
            return outcome  # a retry answers the first result, as stored
        for late in learned_since(command, facts, await self._administrations(command.member_id, {})):
            done = await self._handler.run(str(command.grant_id), late, RequestMeta(
                correlation_id=meta.correlation_id))
            outcome = CommandOutcome(outcome.stream_id, done.version, max(outcome.position, done.position),
                                     outcome.events + done.events, outcome.duplicate)
        return outcome
