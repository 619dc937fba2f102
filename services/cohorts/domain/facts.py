"""Outside facts: what the decider needs to know about the world beyond its own stream.

The decider never looks anything up. The application reads the fact (the host's standing in
the association, from cohorts' local view of membership) and hands it over with the
command, so ``decide`` stays a pure function of (state, command, facts).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

from services.cohorts.domain.commands import CohortCommand


class HostStanding(str, Enum):
    """A would-be host's standing in La 27e Région (the association scheme)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"
    NOT_A_MEMBER = "not_a_member"  # never admitted to the association (or not known yet)

    def refusal(self, host_member_id: UUID) -> str | None:
        """Why this standing cannot host a cohort; None when it can."""
        return {
            HostStanding.ACTIVE: None,
            HostStanding.SUSPENDED: f"host {host_member_id} is suspended from the association",
            HostStanding.LEFT: f"host {host_member_id} has left the association",
            HostStanding.NOT_A_MEMBER: f"host {host_member_id} is not a member of the association",
        }[self]


@dataclass(frozen=True)
class WithFacts:
    """A command with the outside facts the application looked up for it.

    A bare command is decided as if the host were not a member: opening or resuming a
    cohort without the fact is refused, never assumed.
    """

    command: CohortCommand
    host: HostStanding = HostStanding.NOT_A_MEMBER

    def effective_time(self) -> date | datetime | None:
        # The command handler dates the events from the command's business date.
        return self.command.effective_time()
