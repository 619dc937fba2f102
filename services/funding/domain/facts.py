"""Outside facts an allocation is decided with: funding never asks another service, it reads
its own local views (application layer) and hands the decider what they say.

An administration must be an active member of the association when it receives an
allocation (funding's view of membership). Its cohort may have started, or even completed,
before the allocation is recorded (Mulhouse's lab started in June 2016, the grant came in
July 2017): then the tranche that the cohort's start or completion made due falls due with
the allocation, since the reaction to that cohort event found no allocation to act on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.contracts.membership import MemberStatus
from services.funding.domain.commands import AllocateShare


@dataclass(frozen=True)
class Administration:
    """What funding's local views know of one administration when the allocation is decided."""

    member_id: UUID
    name: str | None = None  # None: membership never admitted it to the association
    status: MemberStatus | None = None
    status_since: date | None = None  # since when it has that status (for a departure: the day it left)
    cohort_id: UUID | None = None  # its cohort, once one has started
    cohort_started_on: date | None = None
    cohort_completed_on: date | None = None


@dataclass(frozen=True)
class WithAdministration:
    """An allocation and the facts it is decided with (what ``decide`` takes for AllocateShare)."""

    command: AllocateShare
    administration: Administration

    def effective_time(self) -> date:
        return self.command.allocated_on
