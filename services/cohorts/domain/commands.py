"""Commands the Cohort decider accepts: pydantic models built from field-rule types.

Building one validates every field at once (each bad field reported at its path), so the
decider only ever sees well-formed input and checks the rules that need the state. Business
dates come in as fields: the domain has no clock. Personal data comes in sealed
(``EnrolAgent.personal``): the application seals an agent's name before the domain sees it.
"""
from __future__ import annotations

from uuid import UUID

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from shared.contracts.cohorts import AgentCategory, CoachDiscipline, CohortKind, ReturnOutcome, SprintOutcome
from shared.domain.fields import BusinessDate, Command, Reason, enum_text
from services.cohorts.domain.fields import (
    DEFAULT_ABSENCE_BUDGET,
    DEFAULT_CAPACITY,
    LAB_MONTHS,
    AbsenceBudget,
    AbsenceDays,
    Capacity,
    CoachName,
    Department,
    LabMonths,
    ProjectStatement,
    Prototype,
    Sealed,
    Theme,
    WorkshopDays,
    months_message,
)

KindField = enum_text(CohortKind)
CategoryField = enum_text(AgentCategory)
DisciplineField = enum_text(CoachDiscipline)
SprintOutcomeField = enum_text(SprintOutcome)
ReturnOutcomeField = enum_text(ReturnOutcome)


def _refuse(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


class OpenCohort(Command):
    """A lab gives ``duration_months``, a workshop ``duration_days`` (see domain/fields.py).

    ``cohort_id`` is drawn by the application (a uuid4) for each new cohort; a client
    never gives it. Declaration order matters: each duration check reads the fields above it.
    """

    effective = "opened_on"

    kind: KindField
    host_member_id: UUID
    theme: Theme
    project_statement: ProjectStatement
    planned_start: BusinessDate
    opened_on: BusinessDate
    capacity: Capacity = DEFAULT_CAPACITY
    absence_budget_days: AbsenceBudget = DEFAULT_ABSENCE_BUDGET
    duration_override_reason: Reason | None = None
    duration_months: LabMonths | None = Field(None, validate_default=True)
    duration_days: WorkshopDays | None = Field(None, validate_default=True)
    cohort_id: UUID | None = None

    @field_validator("duration_override_reason")
    @classmethod
    def _only_a_lab_is_overridden(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("kind") is CohortKind.WORKSHOP:
            raise _refuse("no_override", "only a lab's duration can be overridden; a longer workshop is a lab")
        return value

    @field_validator("duration_months")
    @classmethod
    def _lab_months(cls, value: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")  # absent when the kind was bad itself
        if kind is CohortKind.WORKSHOP and value is not None:
            raise _refuse("workshop_in_days", "a workshop's duration is given in days (duration_days)")
        if kind is CohortKind.LAB:
            if value is None:
                raise _refuse("duration_missing", "a lab's duration is required, in months")
            low, high = LAB_MONTHS
            if not low <= value <= high and not info.data.get("duration_override_reason"):
                raise _refuse("out_of_range", months_message(value))
        return value

    @field_validator("duration_days")
    @classmethod
    def _workshop_days(cls, value: int | None, info: ValidationInfo) -> int | None:
        kind = info.data.get("kind")
        if kind is CohortKind.LAB and value is not None:
            raise _refuse("lab_in_months", "a lab's duration is given in months (duration_months)")
        if kind is CohortKind.WORKSHOP and value is None:
            raise _refuse("duration_missing", "a workshop's duration is required, in days")
        return value


class StartCohort(Command):
    effective = "on"

    cohort_id: UUID
    on: BusinessDate


class EnrolAgent(Command):
    """``agent_id`` and ``personal`` come from the application: it draws the id (or finds
    the one this person already has in the cohort) and seals the agent's details."""

    effective = "enrolled_on"

    cohort_id: UUID
    agent_id: UUID
    category: CategoryField
    home_department: Department
    personal: Sealed
    enrolled_on: BusinessDate


class WithdrawAgent(Command):
    effective = "on"

    cohort_id: UUID
    agent_id: UUID
    reason: Reason
    on: BusinessDate


class LogAbsence(Command):
    """``days`` of absence from the agent's service for the lab, dated ``on``. A log is
    identified by (agent, ``on``): the same log sent twice counts once."""

    effective = "on"

    cohort_id: UUID
    agent_id: UUID
    on: BusinessDate
    days: AbsenceDays


class AssignCoach(Command):
    effective = "on"

    cohort_id: UUID
    coach_name: CoachName
    discipline: DisciplineField
    on: BusinessDate


class RecordSprint(Command):
    """A one-week prototype sprint starting ``starts_on``; the decider numbers it."""

    effective = "starts_on"

    cohort_id: UUID
    starts_on: BusinessDate
    prototype: Prototype
    outcome: SprintOutcomeField


class CompleteCohort(Command):
    effective = "on"

    cohort_id: UUID
    on: BusinessDate


class RecordReturnToService(Command):
    effective = "on"

    cohort_id: UUID
    agent_id: UUID
    outcome: ReturnOutcomeField
    on: BusinessDate


class PutCohortOnHold(Command):
    effective = "on"

    cohort_id: UUID
    reason: Reason
    on: BusinessDate


class ResumeCohort(Command):
    effective = "on"

    cohort_id: UUID
    on: BusinessDate


class ForgetAgent(Command):
    """GDPR erasure: the application destroys the agent's key; this records that it did."""

    cohort_id: UUID
    agent_id: UUID


CohortCommand = (
    OpenCohort | StartCohort | EnrolAgent | WithdrawAgent | LogAbsence | AssignCoach | RecordSprint
    | CompleteCohort | RecordReturnToService | PutCohortOnHold | ResumeCohort | ForgetAgent
)
