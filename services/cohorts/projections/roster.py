"""The cohort roster: one row per agent of a cohort, and one per absence log.

An agent's personal data is kept here sealed, exactly as the event carries it; an
``AgentForgotten`` clears it (the key is gone anyway) and marks the agent forgotten, leaving
category, department, status and absences as they were. A rebuild folds the same events and
reaches the same rows, so it cannot bring a name back. Days used, attrition and the
category mix are queries over these rows (application/queries.py).
"""
from __future__ import annotations

from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentEnrolled,
    AgentForgotten,
    AgentStatus,
    AgentWithdrew,
    ReturnToServiceRecorded,
    cohorts_registry,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

agents = Table("agents", key=("cohort_id", "agent_id"))
absences = Table("absences", key=("cohort_id", "agent_id", "day"))


@agents.on(AgentEnrolled)
def enrolled(row: Row | None, e: AgentEnrolled, meta: EventMeta) -> Row | None:
    if row is not None:
        return row  # enrolled twice (a replayed history): the first enrolment stands
    return {
        "cohort_id": e.cohort_id, "agent_id": e.agent_id, "host_member_id": e.host_member_id,
        "category": e.category.value, "home_department": e.home_department, "status": AgentStatus.ENROLLED.value,
        "enrolled_on": e.enrolled_on, "withdrawn_on": None, "withdrawal_reason": None,
        "personal_key_id": e.personal.key_id, "personal_ciphertext": e.personal.ciphertext, "forgotten": False,
        "return_outcome": None, "returned_on": None,
    }


@agents.on(AgentWithdrew)
def withdrew(row: Row | None, e: AgentWithdrew, meta: EventMeta) -> Row | None:
    return row and {**row, "status": AgentStatus.WITHDRAWN.value, "withdrawn_on": e.on, "withdrawal_reason": e.reason}


@agents.on(ReturnToServiceRecorded)
def returned(row: Row | None, e: ReturnToServiceRecorded, meta: EventMeta) -> Row | None:
    return row and {**row, "return_outcome": e.outcome.value, "returned_on": e.on}


@agents.on(AgentForgotten)
def forgotten(row: Row | None, e: AgentForgotten, meta: EventMeta) -> Row | None:
    return row and {**row, "personal_key_id": None, "personal_ciphertext": None, "forgotten": True}


@absences.on(AbsenceLogged, key=lambda e, meta: (e.cohort_id, e.agent_id, e.on))
def absence_logged(row: Row | None, e: AbsenceLogged, meta: EventMeta) -> Row | None:
    if row is not None:
        return row  # the same log (agent, day) counts once
    return {"cohort_id": e.cohort_id, "agent_id": e.agent_id, "day": e.on, "days": e.days}


COHORT_ROSTER = ReadModel(
    name="cohort_roster",
    ddl=sql("002_cohort_roster.sql", __file__),
    sources={events_topic("cohorts"): cohorts_registry()},
    tables=(agents, absences),
)
