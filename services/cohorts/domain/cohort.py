"""The Cohort decider: ``evolve`` folds events into state, ``decide`` turns a command into
events or refuses it with a domain error. Pure: no I/O, no clock; the host's standing comes
in with the command (``WithFacts``).

Retry idempotency (checked by a property test): re-deciding a command on the state its own
events produced never emits anything. Transitions are refused with the error that says
"already done" (open and enrol: AlreadyExists; start, withdraw, complete, hold, resume:
PreconditionFailed); commands that record a fact identified by its natural key emit
nothing (an absence log by agent and date, a sprint by its week, a coach by name, a return
by agent, a forgetting by agent).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from uuid import UUID

from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentEnrolled,
    AgentForgotten,
    AgentWithdrew,
    CoachAssigned,
    CohortCompleted,
    CohortEvent,
    CohortOpened,
    CohortPutOnHold,
    CohortResumed,
    CohortStarted,
    CohortStatus,
    ReturnToServiceRecorded,
    SprintRecorded,
)
from services.cohorts.domain import agents, lifecycle, programme
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
from services.cohorts.domain.facts import WithFacts
from services.cohorts.domain.rules import coach_key
from services.cohorts.domain.state import AgentState, CoachState, CohortState, SprintState, initial

# --- evolve ---------------------------------------------------------------------------


def evolve(state: CohortState | None, event: CohortEvent) -> CohortState | None:
    """Total: an event that does not fit the state leaves it unchanged, never raises."""
    if state is None:
        if isinstance(event, CohortOpened):
            return CohortState(
                cohort_id=event.cohort_id, host_member_id=event.host_member_id, kind=event.kind,
                duration_months=event.duration_months, duration_days=event.duration_days,
                capacity=event.capacity, absence_budget_days=event.absence_budget_days,
                opened_on=event.opened_on, status=CohortStatus.OPEN, status_since=event.opened_on,
            )
        return None
    match event:
        case CohortStarted():
            return replace(state, status=CohortStatus.RUNNING, status_since=event.started_on,
                           started_on=event.started_on)
        case CohortPutOnHold():
            return replace(state, status=CohortStatus.ON_HOLD, status_since=event.on)
        case CohortResumed():
            return replace(state, status=event.status, status_since=event.on)
        case CohortCompleted():
            return replace(state, status=CohortStatus.COMPLETED, status_since=event.completed_on,
                           completed_on=event.completed_on)
        case AgentEnrolled() if event.agent_id not in state.agents:
            agent = AgentState(agent_id=event.agent_id, category=event.category,
                               home_department=event.home_department, key_id=event.personal.key_id,
                               enrolled_on=event.enrolled_on)
            return replace(state, agents={**state.agents, event.agent_id: agent})
        case AgentWithdrew():
            return _agent(state, event.agent_id, lambda a: replace(a, withdrawn_on=event.on))
        case AbsenceLogged():
            return _agent(state, event.agent_id, lambda a: a if event.on in a.absences else replace(
                a, absences={**a.absences, event.on: event.days}, days_used=a.days_used + event.days))
        case ReturnToServiceRecorded():
            return _agent(state, event.agent_id, lambda a: replace(a, returned=(event.outcome, event.on)))
        case AgentForgotten():
            return _agent(state, event.agent_id, lambda a: replace(a, forgotten=True))
        case CoachAssigned() if coach_key(event.coach_name) not in state.coaches:
            coach = CoachState(event.coach_name, event.discipline)
            return replace(state, coaches={**state.coaches, coach_key(event.coach_name): coach})
        case SprintRecorded() if all(s.number != event.number for s in state.sprints):
            sprint = SprintState(event.number, event.starts_on, event.ends_on, event.prototype, event.outcome)
            return replace(state, sprints=(*state.sprints, sprint))
    return state


def _agent(state: CohortState, agent_id: UUID, change: Callable[[AgentState], AgentState]) -> CohortState:
    agent = state.agents.get(agent_id)
    if agent is None:
        return state
    return replace(state, agents={**state.agents, agent_id: change(agent)})


def fold(events: Iterable[CohortEvent], state: CohortState | None = initial) -> CohortState | None:
    for event in events:
        state = evolve(state, event)
    return state


# --- decide ---------------------------------------------------------------------------


def decide(state: CohortState | None, command: CohortCommand | WithFacts) -> list[CohortEvent]:
    """Input is validated first (all bad fields at once), then checked against the state."""
    checked = command if isinstance(command, WithFacts) else WithFacts(command)
    match checked.command:
        case OpenCohort() as cmd:
            return lifecycle.open_cohort(state, cmd, checked.host)
        case StartCohort() as cmd:
            return lifecycle.start(state, cmd)
        case PutCohortOnHold() as cmd:
            return lifecycle.put_on_hold(state, cmd)
        case ResumeCohort() as cmd:
            return lifecycle.resume(state, cmd, checked.host)
        case CompleteCohort() as cmd:
            return lifecycle.complete(state, cmd)
        case EnrolAgent() as cmd:
            return agents.enrol(state, cmd)
        case WithdrawAgent() as cmd:
            return agents.withdraw(state, cmd)
        case LogAbsence() as cmd:
            return agents.log_absence(state, cmd)
        case RecordReturnToService() as cmd:
            return agents.record_return(state, cmd)
        case ForgetAgent() as cmd:
            return agents.forget(state, cmd)
        case AssignCoach() as cmd:
            return programme.assign_coach(state, cmd)
        case RecordSprint() as cmd:
            return programme.record_sprint(state, cmd)
    raise TypeError(f"not a cohorts command: {type(checked.command).__name__}")
