"""A cohort's lifecycle: open -> running <-> on hold -> completed (open <-> on hold too)."""
from __future__ import annotations

from shared.contracts.cohorts import (
    CohortCompleted,
    CohortEvent,
    CohortOpened,
    CohortPutOnHold,
    CohortResumed,
    CohortStarted,
    CohortStatus,
)
from shared.domain.errors import AlreadyExists, PreconditionFailed
from services.cohorts.domain.commands import CompleteCohort, OpenCohort, PutCohortOnHold, ResumeCohort, StartCohort
from services.cohorts.domain.dates import planned_end
from services.cohorts.domain.facts import HostStanding
from services.cohorts.domain.rules import AlreadyOnHold, existing, not_before, not_completed, status_in
from services.cohorts.domain.state import CohortState


def _host_may_host(host_member_id, standing: HostStanding) -> None:
    if (why := standing.refusal(host_member_id)) is not None:
        raise PreconditionFailed(why)


def open_cohort(state: CohortState | None, cmd: OpenCohort, host: HostStanding) -> list[CohortEvent]:
    if cmd.cohort_id is None:
        raise TypeError("OpenCohort.cohort_id is drawn by the application before deciding")
    if state is not None:
        raise AlreadyExists(f"cohort {cmd.cohort_id} exists already")
    _host_may_host(cmd.host_member_id, host)
    return [CohortOpened(
        cohort_id=cmd.cohort_id, host_member_id=cmd.host_member_id, kind=cmd.kind, theme=cmd.theme,
        project_statement=cmd.project_statement, planned_start=cmd.planned_start,
        planned_end=planned_end(cmd.planned_start, cmd.duration_months, cmd.duration_days),
        duration_months=cmd.duration_months, duration_days=cmd.duration_days,
        duration_override_reason=cmd.duration_override_reason, capacity=cmd.capacity,
        absence_budget_days=cmd.absence_budget_days, opened_on=cmd.opened_on,
    )]


def start(state: CohortState | None, cmd: StartCohort) -> list[CohortEvent]:
    cohort = existing(state)
    if cohort.started_on is not None and cohort.status is not CohortStatus.COMPLETED:
        raise PreconditionFailed(f"cohort has already started (on {cohort.started_on.isoformat()})")
    status_in(cohort, CohortStatus.OPEN)
    not_before(cmd.on, cohort.status_since, "the cohort's last change of status")
    return [CohortStarted(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, kind=cohort.kind,
                          started_on=cmd.on,
                          planned_end=planned_end(cmd.on, cohort.duration_months, cohort.duration_days))]


def put_on_hold(state: CohortState | None, cmd: PutCohortOnHold) -> list[CohortEvent]:
    cohort = existing(state)
    if cohort.status is CohortStatus.ON_HOLD:
        raise AlreadyOnHold("cohort is already on hold")
    not_completed(cohort)
    not_before(cmd.on, cohort.status_since, "the cohort's last change of status")
    return [CohortPutOnHold(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, kind=cohort.kind,
                            reason=cmd.reason, on=cmd.on)]


def resume(state: CohortState | None, cmd: ResumeCohort, host: HostStanding) -> list[CohortEvent]:
    cohort = existing(state)
    if cohort.status is not CohortStatus.ON_HOLD:
        raise PreconditionFailed("cohort is not on hold")
    _host_may_host(cohort.host_member_id, host)
    not_before(cmd.on, cohort.status_since, "the day it was put on hold")
    again = CohortStatus.RUNNING if cohort.started_on is not None else CohortStatus.OPEN
    return [CohortResumed(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, kind=cohort.kind,
                          on=cmd.on, status=again)]


def complete(state: CohortState | None, cmd: CompleteCohort) -> list[CohortEvent]:
    cohort = existing(state)
    status_in(cohort, CohortStatus.RUNNING)
    not_before(cmd.on, cohort.status_since, "the cohort's last change of status")
    if cohort.sprints:
        not_before(cmd.on, cohort.sprints[-1].ends_on, f"the end of sprint {cohort.sprints[-1].number}")
    assert cohort.started_on is not None  # running means started
    return [CohortCompleted(cohort_id=cohort.cohort_id, host_member_id=cohort.host_member_id, kind=cohort.kind,
                            started_on=cohort.started_on, completed_on=cmd.on)]
