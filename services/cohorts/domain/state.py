"""A cohort as the decider sees it: folded from its events, never stored as such.

The dataclasses are frozen and their mappings are never changed in place: ``evolve`` builds
new ones, so a state once folded can be shared (e.g. by a property test's retries).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from shared.contracts.cohorts import (
    AgentCategory,
    CoachDiscipline,
    CohortKind,
    CohortStatus,
    ReturnOutcome,
    SprintOutcome,
)


@dataclass(frozen=True)
class AgentState:
    agent_id: UUID
    category: AgentCategory
    home_department: str
    key_id: UUID
    enrolled_on: date
    withdrawn_on: date | None = None
    absences: Mapping[date, int] = field(default_factory=dict)  # a log's date -> its days
    days_used: int = 0
    returned: tuple[ReturnOutcome, date] | None = None
    forgotten: bool = False

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


@dataclass(frozen=True)
class SprintState:
    number: int
    starts_on: date
    ends_on: date
    prototype: str
    outcome: SprintOutcome


@dataclass(frozen=True)
class CoachState:
    name: str
    discipline: CoachDiscipline


@dataclass(frozen=True)
class CohortState:
    cohort_id: UUID
    host_member_id: UUID
    kind: CohortKind
    duration_months: int | None
    duration_days: int | None
    capacity: int
    absence_budget_days: int
    opened_on: date
    status: CohortStatus
    status_since: date  # the date of the last change of status
    started_on: date | None = None
    completed_on: date | None = None
    agents: Mapping[UUID, AgentState] = field(default_factory=dict)
    coaches: Mapping[str, CoachState] = field(default_factory=dict)  # normalised name -> coach
    sprints: tuple[SprintState, ...] = ()

    @property
    def enrolled(self) -> int:
        """Agents holding a place: enrolled and not withdrawn (a withdrawal frees a place)."""
        return sum(1 for agent in self.agents.values() if not agent.withdrawn)


# An empty stream: the cohort was never opened.
initial: CohortState | None = None
