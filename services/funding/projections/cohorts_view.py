"""Funding's local view of cohorts: each lab's host and the days it started and completed.

Built from ``lab27.cohorts.events`` with cohorts' public contract, in funding's own database;
funding never calls cohorts. A lab gets its row when it starts (an opened lab makes nothing
due); workshops ("Les Éclaireurs") unlock no tranche and get none. An allocation is decided
with what this view says of its host's latest lab (application/administrations.py), so an
allocation made after the lab started (Mulhouse started in June 2016, the grant came in July
2017) has its first tranche due at once.
"""
from __future__ import annotations

from shared.contracts.cohorts import CohortCompleted, CohortKind, CohortStarted, cohorts_registry
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

lab_cohorts = Table("lab_cohorts", key="cohort_id")


@lab_cohorts.on(CohortStarted)
def started(row: Row | None, e: CohortStarted, meta: EventMeta) -> Row | None:
    if row is not None or e.kind is not CohortKind.LAB:
        return row  # a cohort starts at most once
    return {"cohort_id": e.cohort_id, "host_member_id": e.host_member_id, "started_on": e.started_on,
            "completed_on": None}


@lab_cohorts.on(CohortCompleted)
def completed(row: Row | None, e: CohortCompleted, meta: EventMeta) -> Row | None:
    if e.kind is not CohortKind.LAB:
        return row
    return {"cohort_id": e.cohort_id, "host_member_id": e.host_member_id, "started_on": e.started_on,
            "completed_on": e.completed_on}


COHORTS_VIEW = ReadModel(
    name="cohorts_view",
    ddl=sql("003_cohorts_view.sql", __file__),
    sources={events_topic("cohorts"): cohorts_registry()},
    tables=(lab_cohorts,),
)
