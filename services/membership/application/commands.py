"""Membership commands: pick the stream, then load -> decide -> append."""
from __future__ import annotations

from uuid import UUID

from shared.application.command_handler import CommandHandler, CommandOutcome
from shared.application.decider import Decider
from shared.application.requests import RequestMeta
from shared.contracts.membership import STREAM_TYPE, membership_registry
from shared.eventstore.base import EventStore
from services.membership.domain import AdmitMember, MemberCommand, admission_member_id, decide, evolve, initial

MEMBER_DECIDER: Decider = Decider(STREAM_TYPE, initial, evolve, decide)


class MembershipCommands:
    def __init__(self, store: EventStore) -> None:
        self._handler = CommandHandler(store, membership_registry(), MEMBER_DECIDER)

    async def execute(self, command: MemberCommand, meta: RequestMeta = RequestMeta()) -> tuple[UUID, CommandOutcome]:
        """Runs one command; returns the member id it addressed and what was stored."""
        admission = isinstance(command, AdmitMember)
        member_id = admission_member_id(command) if admission else command.member_id
        outcome = await self._handler.run(str(member_id), command, meta, assume_new=admission)
        return member_id, outcome
