"""The cohort directory: one row per cohort (its plan, status and stream version), its sprints
and its coaches.

Declared once (shared.projections.readmodel): the kit applies it live in batches and rebuilds
it by folding in memory. Every cohort event touches the cohort's row, if only to move its
``version`` (what a client passes as expected_version). Weeks elapsed, attrition and the
like are computed by queries (application/queries.py), never stored.
"""
from __future__ import annotations

from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentEnrolled,
    AgentForgotten,
    AgentWithdrew,
    CoachAssigned,
    CohortCompleted,
    CohortOpened,
    CohortPutOnHold,
    CohortResumed,
    CohortStarted,
    CohortStatus,
    ReturnToServiceRecorded,
    SprintRecorded,
    cohorts_registry,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic
from services.cohorts.domain.rules import coach_key

cohorts = Table("cohorts", key="cohort_id")
sprints = Table("sprints", key=("cohort_id", "number"))
coaches = Table("coaches", key=("cohort_id", "coach_key"))


def _changed(row: Row, meta: EventMeta, **columns) -> Row:
    return {**row, **columns, "version": meta.version, "position": meta.position}


@cohorts.on(CohortOpened)
def opened(row: Row | None, e: CohortOpened, meta: EventMeta) -> Row | None:
    if row is not None:
        return row  # opened twice (a replayed history): the first opening stands
    return {
        "cohort_id": e.cohort_id, "host_member_id": e.host_member_id, "kind": e.kind.value, "theme": e.theme,
        "project_statement": e.project_statement, "status": CohortStatus.OPEN.value, "status_since": e.opened_on,
        "hold_reason": None, "planned_start": e.planned_start, "planned_end": e.planned_end,
        "duration_months": e.duration_months, "duration_days": e.duration_days,
        "duration_override_reason": e.duration_override_reason, "capacity": e.capacity,
        "absence_budget_days": e.absence_budget_days, "opened_on": e.opened_on, "started_on": None,
        "completed_on": None, "version": meta.version, "position": meta.position,
    }


@cohorts.on(CohortStarted)
def started(row: Row | None, e: CohortStarted, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=CohortStatus.RUNNING.value, status_since=e.started_on,
                            started_on=e.started_on, planned_end=e.planned_end)


@cohorts.on(CohortPutOnHold)
def put_on_hold(row: Row | None, e: CohortPutOnHold, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=CohortStatus.ON_HOLD.value, status_since=e.on, hold_reason=e.reason)


@cohorts.on(CohortResumed)
def resumed(row: Row | None, e: CohortResumed, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=e.status.value, status_since=e.on, hold_reason=None)


@cohorts.on(CohortCompleted)
def completed(row: Row | None, e: CohortCompleted, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=CohortStatus.COMPLETED.value, status_since=e.completed_on,
                            completed_on=e.completed_on)


@cohorts.on(AgentEnrolled, AgentWithdrew, AbsenceLogged, ReturnToServiceRecorded, AgentForgotten,
            CoachAssigned, SprintRecorded)
def stream_moved(row: Row | None, e, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta)


@sprints.on(SprintRecorded)
def sprint_recorded(row: Row | None, e: SprintRecorded, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    return {"cohort_id": e.cohort_id, "number": e.number, "starts_on": e.starts_on, "ends_on": e.ends_on,
            "prototype": e.prototype, "outcome": e.outcome.value}


@coaches.on(CoachAssigned, key=lambda e, meta: (e.cohort_id, coach_key(e.coach_name)))
def coach_assigned(row: Row | None, e: CoachAssigned, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    return {"cohort_id": e.cohort_id, "coach_key": coach_key(e.coach_name), "coach_name": e.coach_name,
            "discipline": e.discipline.value, "assigned_on": e.on}


COHORT_DIRECTORY = ReadModel(
    name="cohort_directory",
    ddl=sql("001_cohort_directory.sql", __file__),
    sources={events_topic("cohorts"): cohorts_registry()},
    tables=(cohorts, sprints, coaches),
)
