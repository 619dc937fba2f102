"""The programme's work: coaches assigned to a cohort and its one-week prototype sprints."""
from __future__ import annotations

from shared.contracts.cohorts import CoachAssigned, CohortEvent, CohortStatus, SprintRecorded
from shared.domain.errors import PreconditionFailed
from services.cohorts.domain.commands import AssignCoach, RecordSprint
from services.cohorts.domain.dates import sprint_end
from services.cohorts.domain.rules import coach_key, existing, not_before, not_completed, status_in
from services.cohorts.domain.state import CohortState

MAX_COACHES = 12


def assign_coach(state: CohortState | None, cmd: AssignCoach) -> list[CohortEvent]:
    cohort = existing(state)
    # A coach is identified by name in a cohort: the same assignment again changes nothing.
    if (coach := cohort.coaches.get(coach_key(cmd.coach_name))) is not None:
        if coach.discipline is cmd.discipline:
            return []
        raise PreconditionFailed(f"{coach.name} is already this cohort's {coach.discipline.value}")
    not_completed(cohort)
    if len(cohort.coaches) >= MAX_COACHES:
        raise PreconditionFailed(f"a cohort has at most {MAX_COACHES} coaches")
    return [CoachAssigned(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id,
                          coach_name=cmd.coach_name, discipline=cmd.discipline, on=cmd.on)]


def record_sprint(state: CohortState | None, cmd: RecordSprint) -> list[CohortEvent]:
    cohort = existing(state)
    # A sprint is identified by its week: the same sprint sent again counts once.
    for sprint in cohort.sprints:
        if sprint.starts_on == cmd.starts_on:
            if (sprint.prototype, sprint.outcome) == (cmd.prototype, cmd.outcome):
                return []
            raise PreconditionFailed(f"sprint {sprint.number} is already recorded for the week of "
                                     f"{sprint.starts_on.isoformat()}")
    status_in(cohort, CohortStatus.RUNNING)
    not_before(cmd.starts_on, cohort.started_on, "the cohort's start", "starts_on")
    if cohort.sprints:
        last = cohort.sprints[-1]
        if cmd.starts_on <= last.ends_on:
            raise PreconditionFailed(
                f"starts_on: sprints never overlap and are recorded in order; sprint {last.number} runs "
                f"{last.starts_on.isoformat()} to {last.ends_on.isoformat()}, the next starts after it")
    return [SprintRecorded(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id,
                           number=len(cohort.sprints) + 1, starts_on=cmd.starts_on,
                           ends_on=sprint_end(cmd.starts_on), prototype=cmd.prototype, outcome=cmd.outcome)]
