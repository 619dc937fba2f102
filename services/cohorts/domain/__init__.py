"""The cohorts domain: commands, outside facts, state and the Cohort decider (pure, no I/O)."""
from services.cohorts.domain.cohort import decide, evolve, fold
from services.cohorts.domain.commands import (
    AssignCoach,
    CohortCommand,
    CompleteCohort,
    EnrolAgent,
    ForgetAgent,
    LogAbsence,
    OpenCohort,
    PutCohortOnHold,
    RecordReturnToService,
    RecordSprint,
    ResumeCohort,
    StartCohort,
    WithdrawAgent,
)
from services.cohorts.domain.facts import HostStanding, WithFacts
from services.cohorts.domain.rules import AlreadyOnHold, CohortIsCompleted
from services.cohorts.domain.state import AgentState, CohortState, initial

__all__ = [
    "AgentState",
    "AlreadyOnHold",
    "AssignCoach",
    "CohortCommand",
    "CohortIsCompleted",
    "CohortState",
    "CompleteCohort",
    "EnrolAgent",
    "ForgetAgent",
    "HostStanding",
    "LogAbsence",
    "OpenCohort",
    "PutCohortOnHold",
    "RecordReturnToService",
    "RecordSprint",
    "ResumeCohort",
    "StartCohort",
    "WithFacts",
    "WithdrawAgent",
    "decide",
    "evolve",
    "fold",
    "initial",
]
