"""Cohorts' public events: the only cohorts module other services may import.

A cohort is one innovation-lab programme (``lab``, 14-18 months) or one "Les Éclaireurs"
``workshop`` (1 day to 3 months), run for one host administration. One cohort is one
stream: ``stream_id = str(cohort_id)``, ``stream_type = STREAM_TYPE``.

Every event carries ``cohort_id`` and ``host_member_id`` (the host's member id in
membership's ``association`` scheme, see shared.contracts.membership), so a consumer can act
on one event without folding the cohort: funding unlocks a lab's first tranche on
``CohortStarted`` and its final tranche on ``CohortCompleted``. The lifecycle events
(opened, started, put on hold, resumed, completed) also carry the cohort's ``kind`` (a
workshop unlocks no tranche) and their business dates.

Identities
----------
- ``cohort_id``: a uuid4 drawn by the cohorts service for each new OpenCohort; a retried
  request (same request id) answers with the first cohort's id.
- ``agent_id``: a uuid4 drawn by the cohorts service when a person is first enrolled in a
  cohort. The same person (same email, else same normalised name and home department)
  enrolled again in that cohort gets the same agent id, so the second enrolment is refused.
  That match is made on a fingerprint kept beside the agent's key (never in an event), so
  once an agent is forgotten nobody can tell that a name was ever enrolled.

Personal data (crypto-shredding)
--------------------------------
An agent's name and email are personal data (GDPR). They travel only as
:class:`SealedPersonalData`: AES-256-GCM with a key of that agent's own, kept in the
cohorts database outside the event store. The ciphertext is bound to its cohort and agent
(associated data ``"<cohort_id>:<agent_id>"``), so it cannot be replayed onto another agent.
``AgentForgotten`` records that the key was destroyed: the sealed data of that agent can
never be read again, by anyone, from the store, the topic, a read model or an export, while
category, home department, absences and the cohort's counts stay as they were. Consumers
other than cohorts have no key and must treat ``personal`` as opaque.

Free-text fields (reasons, theme, statement, sprint prototypes, coaches' names) are not
sealed: they describe the programme, not the agents, and must not name an agent. Coaches
are the association's staff, named in their professional role.

Rules a consumer may rely on
----------------------------
- ``CohortStarted`` happens at most once per cohort, ``CohortCompleted`` at most once,
  after it; nothing but ``ReturnToServiceRecorded`` and ``AgentForgotten`` follows
  completion.
- Sprints are numbered 1, 2, ... in order; each lasts one week (``ends_on = starts_on + 6
  days``) and starts after the previous one ended.
- ``AbsenceLogged.days_used`` is the agent's total after this log and never exceeds
  ``budget_days``. A log is identified by (agent, ``on``): the same log sent twice is
  stored once.
"""
from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

STREAM_TYPE = "cohorts.Cohort"
SEALING_ALGORITHM = "AES-256-GCM"


class CohortKind(str, Enum):
    LAB = "lab"
    WORKSHOP = "workshop"  # "Les Éclaireurs"


class CohortStatus(str, Enum):
    OPEN = "open"  # opened, enrolling, not started yet
    RUNNING = "running"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"


class AgentCategory(str, Enum):
    """The French civil service categories (A: design and management, B: application,
    C: execution)."""

    A = "a"
    B = "b"
    C = "c"


class AgentStatus(str, Enum):
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"


class CoachDiscipline(str, Enum):
    SOCIOLOGIST = "sociologist"
    URBANIST = "urbanist"
    DESIGNER = "designer"


class SprintOutcome(str, Enum):
    VALIDATED = "validated"  # the prototype works: keep it
    ITERATE = "iterate"  # promising: test a revised prototype
    ABANDONED = "abandoned"  # the idea is dropped


class ReturnOutcome(str, Enum):
    """How an agent's return to their service went (the seed calls it the hard part)."""

    REINTEGRATED = "reintegrated"  # back in their service, putting the lab's methods to use
    NEW_ROLE = "new_role"  # moved to a role built on what the lab taught
    DIFFICULT = "difficult"  # back, but the return was hard: needs follow-up
    LEFT_ADMINISTRATION = "left_administration"


class SealedPersonalData(BaseModel):
    """An agent's personal data (``{"name": ..., "email": ...}`` as JSON), encrypted.

    ``ciphertext`` is standard base64 of the 12-byte nonce followed by the AES-GCM
    ciphertext and its 16-byte tag; ``key_id`` names the agent's key in the cohorts
    service's key table.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    key_id: uuid.UUID
    ciphertext: str
    algorithm: str = SEALING_ALGORITHM


# --- events ---------------------------------------------------------------------------


class CohortEvent(DomainEvent):
    cohort_id: uuid.UUID
    host_member_id: uuid.UUID


class CohortOpened(CohortEvent):
    """``duration_months`` is set for a lab, ``duration_days`` for a workshop;
    ``duration_override_reason`` is set when a lab's duration is outside 14-18 months."""

    event_type: ClassVar[str] = "cohorts.CohortOpened"

    kind: CohortKind
    theme: str
    project_statement: str
    planned_start: date
    planned_end: date  # the last planned day
    duration_months: int | None
    duration_days: int | None
    duration_override_reason: str | None
    capacity: int
    absence_budget_days: int  # per agent
    opened_on: date


class CohortStarted(CohortEvent):
    event_type: ClassVar[str] = "cohorts.CohortStarted"

    kind: CohortKind
    started_on: date
    planned_end: date


class CohortPutOnHold(CohortEvent):
    event_type: ClassVar[str] = "cohorts.CohortPutOnHold"

    kind: CohortKind
    reason: str
    on: date


class CohortResumed(CohortEvent):
    """``status``: what the cohort is again, ``open`` (not started yet) or ``running``."""

    event_type: ClassVar[str] = "cohorts.CohortResumed"

    kind: CohortKind
    on: date
    status: CohortStatus


class CohortCompleted(CohortEvent):
    event_type: ClassVar[str] = "cohorts.CohortCompleted"

    kind: CohortKind
    started_on: date
    completed_on: date


class AgentEnrolled(CohortEvent):
    event_type: ClassVar[str] = "cohorts.AgentEnrolled"

    agent_id: uuid.UUID
    category: AgentCategory
    home_department: str
    personal: SealedPersonalData
    enrolled_on: date


class AgentWithdrew(CohortEvent):
    event_type: ClassVar[str] = "cohorts.AgentWithdrew"

    agent_id: uuid.UUID
    reason: str
    on: date


class AbsenceLogged(CohortEvent):
    """``days`` of absence from their service, for the lab, dated ``on``."""

    event_type: ClassVar[str] = "cohorts.AbsenceLogged"

    agent_id: uuid.UUID
    on: date
    days: int
    days_used: int  # the agent's total after this log
    budget_days: int


class CoachAssigned(CohortEvent):
    event_type: ClassVar[str] = "cohorts.CoachAssigned"

    coach_name: str
    discipline: CoachDiscipline
    on: date


class SprintRecorded(CohortEvent):
    event_type: ClassVar[str] = "cohorts.SprintRecorded"

    number: int  # 1, 2, ... in the order sprints happened
    starts_on: date
    ends_on: date  # starts_on + 6 days: a sprint is one week
    prototype: str  # what was tested
    outcome: SprintOutcome


class ReturnToServiceRecorded(CohortEvent):
    event_type: ClassVar[str] = "cohorts.ReturnToServiceRecorded"

    agent_id: uuid.UUID
    outcome: ReturnOutcome
    on: date


class AgentForgotten(CohortEvent):
    """The agent's key (``key_id``) was destroyed: their sealed data is unreadable for ever."""

    event_type: ClassVar[str] = "cohorts.AgentForgotten"

    agent_id: uuid.UUID
    key_id: uuid.UUID


COHORT_EVENTS: tuple[type[CohortEvent], ...] = (
    CohortOpened,
    CohortStarted,
    CohortPutOnHold,
    CohortResumed,
    CohortCompleted,
    AgentEnrolled,
    AgentWithdrew,
    AbsenceLogged,
    CoachAssigned,
    SprintRecorded,
    ReturnToServiceRecorded,
    AgentForgotten,
)


def cohorts_registry() -> EventRegistry:
    """A fresh registry of every cohorts event (no upcasters yet: every event is at v1)."""
    return EventRegistry(COHORT_EVENTS)
