"""Membership commands: validate ids, pick the stream, then load -> decide -> append."""
from __future__ import annotations

from uuid import UUID

from shared.application.command_handler import CommandHandler, CommandOutcome
from shared.application.decider import Decider
from shared.contracts.membership import STREAM_TYPE, membership_registry
from shared.domain.errors import InvalidArgument
from shared.eventstore.base import EventStore
from services.membership.domain import AdmitMember, MemberCommand, admission_member_id, decide, evolve, initial

MAX_REQUEST_ID = 128

MEMBER_DECIDER: Decider = Decider(STREAM_TYPE, initial, evolve, decide)


def check_request_id(request_id: str) -> str | None:
    if len(request_id) > MAX_REQUEST_ID:
        raise InvalidArgument.of("request_id", f"at most {MAX_REQUEST_ID} characters")
    return request_id or None  # empty: the client opted out of idempotent retries


class MembershipCommands:
    def __init__(self, store: EventStore) -> None:
        self._handler = CommandHandler(store, membership_registry(), MEMBER_DECIDER)

    async def execute(self, command: MemberCommand, *, request_id: str = "", expected_version: int = 0,
                      correlation_id: str | None = None) -> tuple[UUID, CommandOutcome]:
        """Runs one command; returns the member id it addressed and what was stored."""
        rid = check_request_id(request_id)
        if expected_version < 0:
            raise InvalidArgument.of("expected_version", "must be 0 (no check) or a version")
        admission = isinstance(command, AdmitMember)
        member_id = admission_member_id(command) if admission else command.member_id
        outcome = await self._handler.handle(
            str(member_id), command, request_id=rid, expected_version=expected_version or None,
            correlation_id=correlation_id, assume_new=admission,
        )
        return member_id, outcome
