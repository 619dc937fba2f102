"""Checks several cohort commands share: the cohort exists, its status allows the command,
a date is not before the cohort's last change."""
from __future__ import annotations

from datetime import date
from uuid import UUID

from shared.contracts.cohorts import CohortStatus
from shared.domain.errors import NotFound, PreconditionFailed
from services.cohorts.domain.state import AgentState, CohortState

class AlreadyOnHold(PreconditionFailed):
    """The cohort is on hold already (a reaction putting it on hold again: nothing to do)."""


class CohortIsCompleted(PreconditionFailed):
    """The cohort has completed: nothing but returns to service and forgetting follows."""


WHY_NOT = {
    CohortStatus.OPEN: "cohort has not started",
    CohortStatus.RUNNING: "cohort is running",
    CohortStatus.ON_HOLD: "cohort is on hold: resume it first",
    CohortStatus.COMPLETED: "cohort has completed",
}


def existing(state: CohortState | None) -> CohortState:
    if state is None:
        raise NotFound("cohort not found")
    return state


def status_in(cohort: CohortState, *allowed: CohortStatus) -> None:
    if cohort.status not in allowed:
        not_completed(cohort)
        raise PreconditionFailed(WHY_NOT[cohort.status])


def not_completed(cohort: CohortState) -> None:
    if cohort.status is CohortStatus.COMPLETED:
        raise CohortIsCompleted(WHY_NOT[CohortStatus.COMPLETED])


def not_before(on: date, earliest: date | None, what: str, field: str = "on") -> None:
    if earliest is not None and on < earliest:
        raise PreconditionFailed(f"{field}: {on.isoformat()} is before {what} ({earliest.isoformat()})")


def agent_of(cohort: CohortState, agent_id: UUID) -> AgentState:
    agent = cohort.agents.get(agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} is not on this cohort's roster")
    return agent


def coach_key(name: str) -> str:
    """Two spellings of one coach's name (case, spacing) are one coach."""
    return " ".join(name.casefold().split())
