"""What happens to a cohort's agents: enrolment, withdrawal, absences, return, forgetting."""
from __future__ import annotations

from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentEnrolled,
    AgentForgotten,
    AgentWithdrew,
    CohortEvent,
    CohortStatus,
    ReturnToServiceRecorded,
)
from shared.domain.errors import AlreadyExists, PreconditionFailed
from services.cohorts.domain.commands import EnrolAgent, ForgetAgent, LogAbsence, RecordReturnToService, WithdrawAgent
from services.cohorts.domain.rules import WHY_NOT, agent_of, existing, not_before, not_completed, status_in
from services.cohorts.domain.state import CohortState


def enrol(state: CohortState | None, cmd: EnrolAgent) -> list[CohortEvent]:
    cohort = existing(state)
    # Already-enrolled comes first: a retried enrolment says so even once the cohort is full.
    if cmd.agent_id in cohort.agents:
        raise AlreadyExists(f"agent {cmd.agent_id} is already enrolled in this cohort")
    not_completed(cohort)
    if cohort.enrolled >= cohort.capacity:
        raise PreconditionFailed(f"cohort is full: {cohort.capacity} places, {cohort.enrolled} agents enrolled")
    return [AgentEnrolled(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, agent_id=cmd.agent_id,
                          category=cmd.category, home_department=cmd.home_department, personal=cmd.personal,
                          enrolled_on=cmd.enrolled_on)]


def withdraw(state: CohortState | None, cmd: WithdrawAgent) -> list[CohortEvent]:
    cohort = existing(state)
    agent = agent_of(cohort, cmd.agent_id)
    if agent.withdrawn_on is not None:
        raise PreconditionFailed(f"agent {agent.agent_id} withdrew on {agent.withdrawn_on.isoformat()}")
    not_completed(cohort)
    not_before(cmd.on, agent.enrolled_on, "the agent's enrolment")
    return [AgentWithdrew(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, agent_id=agent.agent_id,
                          reason=cmd.reason, on=cmd.on)]


def log_absence(state: CohortState | None, cmd: LogAbsence) -> list[CohortEvent]:
    cohort = existing(state)
    agent = agent_of(cohort, cmd.agent_id)
    # A log is identified by (agent, date): the same log sent again counts once.
    if (logged := agent.absences.get(cmd.on)) is not None:
        if logged == cmd.days:
            return []
        raise PreconditionFailed(f"{logged} days of absence are already logged for agent {agent.agent_id} on "
                                 f"{cmd.on.isoformat()}; a log is not corrected by another")
    if agent.withdrawn_on is not None:
        raise PreconditionFailed(f"agent {agent.agent_id} withdrew on {agent.withdrawn_on.isoformat()}")
    status_in(cohort, CohortStatus.RUNNING, CohortStatus.ON_HOLD)
    not_before(cmd.on, cohort.started_on, "the cohort's start")
    not_before(cmd.on, agent.enrolled_on, "the agent's enrolment")
    budget, used = cohort.absence_budget_days, agent.days_used
    if used + cmd.days > budget:
        raise PreconditionFailed(f"absence budget exceeded: the budget is {budget} days per agent, agent "
                                 f"{agent.agent_id} has used {used} days, {cmd.days} more would make {used + cmd.days}")
    return [AbsenceLogged(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, agent_id=agent.agent_id,
                          on=cmd.on, days=cmd.days, days_used=used + cmd.days, budget_days=budget)]


def record_return(state: CohortState | None, cmd: RecordReturnToService) -> list[CohortEvent]:
    cohort = existing(state)
    agent = agent_of(cohort, cmd.agent_id)
    if agent.returned is not None:
        outcome, on = agent.returned
        if (outcome, on) == (cmd.outcome, cmd.on):
            return []
        raise PreconditionFailed(f"agent {agent.agent_id}'s return is already recorded: {outcome.value} "
                                 f"on {on.isoformat()}")
    if cohort.status is not CohortStatus.COMPLETED:
        raise PreconditionFailed(f"{WHY_NOT[cohort.status]}: a return to service is recorded after completion")
    if agent.withdrawn_on is not None:
        raise PreconditionFailed(f"agent {agent.agent_id} withdrew on {agent.withdrawn_on.isoformat()}: "
                                 "returns are followed up for the agents who completed the programme")
    not_before(cmd.on, cohort.completed_on, "the cohort's completion")
    return [ReturnToServiceRecorded(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id,
                                    agent_id=agent.agent_id, outcome=cmd.outcome, on=cmd.on)]


def forget(state: CohortState | None, cmd: ForgetAgent) -> list[CohortEvent]:
    """Accepted in every status: erasure is a right, not a step of the programme."""
    cohort = existing(state)
    agent = agent_of(cohort, cmd.agent_id)
    if agent.forgotten:
        return []
    return [AgentForgotten(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id,
                           agent_id=agent.agent_id, key_id=agent.key_id)]
