"""Read-model rows -> cohorts protos; the general conversions are shared.grpc.api's."""
from __future__ import annotations

import asyncpg

from lab27.cohorts.v1 import cohorts_pb2 as pb
from shared.grpc.api import date_proto, enum_value
from services.cohorts.application.hosts import standing_of
from services.cohorts.application.queries import Cohort, HostHistory, Progress, RosterEntry


def _optional(enum_type, value: str | None) -> int:
    return enum_value(enum_type, value) if value else 0


def sprint_to_proto(row: asyncpg.Record) -> pb.Sprint:
    return pb.Sprint(number=row["number"], starts_on=date_proto(row["starts_on"]), ends_on=date_proto(row["ends_on"]),
                     prototype=row["prototype"], outcome=enum_value(pb.SprintOutcome, row["outcome"]))


def coach_to_proto(row: asyncpg.Record) -> pb.Coach:
    return pb.Coach(name=row["coach_name"], discipline=enum_value(pb.CoachDiscipline, row["discipline"]),
                    assigned_on=date_proto(row["assigned_on"]))


def cohort_to_proto(cohort: Cohort) -> pb.Cohort:
    row = cohort.row
    return pb.Cohort(
        cohort_id=str(row["cohort_id"]), host_member_id=str(row["host_member_id"]),
        kind=enum_value(pb.CohortKind, row["kind"]), theme=row["theme"], project_statement=row["project_statement"],
        status=enum_value(pb.CohortStatus, row["status"]), status_since=date_proto(row["status_since"]),
        hold_reason=row["hold_reason"] or "", planned_start=date_proto(row["planned_start"]),
        planned_end=date_proto(row["planned_end"]), duration_months=row["duration_months"] or 0,
        duration_days=row["duration_days"] or 0, duration_override_reason=row["duration_override_reason"] or "",
        capacity=row["capacity"], absence_budget_days=row["absence_budget_days"],
        opened_on=date_proto(row["opened_on"]), started_on=date_proto(row["started_on"]),
        completed_on=date_proto(row["completed_on"]),
        coaches=[coach_to_proto(c) for c in cohort.coaches], sprints=[sprint_to_proto(s) for s in cohort.sprints],
        version=row["version"],
    )


def agent_to_proto(entry: RosterEntry) -> pb.Agent:
    row, details = entry.row, entry.details
    return pb.Agent(
        agent_id=str(row["agent_id"]), category=enum_value(pb.AgentCategory, row["category"]),
        home_department=row["home_department"], status=enum_value(pb.AgentStatus, row["status"]),
        enrolled_on=date_proto(row["enrolled_on"]), withdrawn_on=date_proto(row["withdrawn_on"]),
        withdrawal_reason=row["withdrawal_reason"] or "", forgotten=entry.forgotten,
        name=details.name if details else "", email=(details.email or "") if details else "",
        absence_days_used=row["days_used"], return_outcome=_optional(pb.ReturnOutcome, row["return_outcome"]),
        returned_on=date_proto(row["returned_on"]),
    )


def progress_to_proto(p: Progress) -> pb.Progress:
    row = p.cohort
    return pb.Progress(
        cohort_id=str(row["cohort_id"]), kind=enum_value(pb.CohortKind, row["kind"]),
        status=enum_value(pb.CohortStatus, row["status"]), planned_start=date_proto(row["planned_start"]),
        planned_end=date_proto(row["planned_end"]), duration_months=row["duration_months"] or 0,
        duration_days=row["duration_days"] or 0, started_on=date_proto(row["started_on"]),
        completed_on=date_proto(row["completed_on"]), weeks_elapsed=p.weeks_elapsed,
        sprints=[sprint_to_proto(s) for s in p.sprints], capacity=row["capacity"],
        agents_enrolled=p.agents_enrolled, agents_active=p.agents_active, agents_withdrawn=p.agents_withdrawn,
        attrition_rate=p.attrition_rate,
        category_mix=[pb.CategoryCount(category=enum_value(pb.AgentCategory, c), count=n)
                      for c, n in sorted(p.category_mix.items())],
        absence_days_used=p.absence_days_used, absence_budget_per_agent=p.absence_budget_per_agent,
        absence_budget_total=p.absence_budget_total, most_absence_days_used=p.most_absence_days_used,
        version=row["version"],
    )


def host_history_to_proto(history: HostHistory, cohorts: list[Cohort]) -> pb.GetHostHistoryResponse:
    """``cohorts``: history.cohorts with their details, in the same order."""
    host = history.host
    standing = standing_of(host["status"] if host else None)
    return pb.GetHostHistoryResponse(
        host_member_id=str(history.host_member_id), host_name=host["name"] if host else "",
        standing=enum_value(pb.HostStanding, standing),
        cohorts=[pb.HostCohort(cohort=cohort_to_proto(c), agents_enrolled=r["agents_enrolled"],
                               agents_withdrawn=r["agents_withdrawn"], agents_returned=r["agents_returned"],
                               sprints=r["sprints"]) for r, c in zip(history.cohorts, cohorts, strict=True)],
        returns=[pb.ReturnCount(outcome=enum_value(pb.ReturnOutcome, o), count=n)
                 for o, n in sorted(history.returns.items())],
    )
