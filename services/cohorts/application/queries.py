"""Queries over the cohorts read models (never the event store).

Each query names the read models it reads (``*_READS``), so that a caller holding a
consistency token waits for each of them before asking. Figures that change with time
(weeks elapsed) are computed here from the stored dates and the ``today`` given, never
stored. Agents' personal data is opened here, with their keys, and nowhere else
(application/personal_data.py); an agent without a key is shown as forgotten.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from shared.application.paging import Page, cut, decode_page_token, page_size
from shared.contracts.cohorts import AgentStatus, CohortKind, CohortStatus, SealedPersonalData
from shared.domain.errors import NotFound, Violations
from shared.projections import ReadModel
from services.cohorts.application.personal_data import AgentDetails, AgentKeys, SealedEntry
from services.cohorts.projections.directory import COHORT_DIRECTORY
from services.cohorts.projections.membership_view import MEMBERSHIP_VIEW
from services.cohorts.projections.roster import COHORT_ROSTER

DIRECTORY, ROSTER, VIEW = COHORT_DIRECTORY.name, COHORT_ROSTER.name, MEMBERSHIP_VIEW.name

COHORT_READS: tuple[ReadModel, ...] = (COHORT_DIRECTORY,)
ROSTER_READS: tuple[ReadModel, ...] = (COHORT_DIRECTORY, COHORT_ROSTER)
PROGRESS_READS: tuple[ReadModel, ...] = (COHORT_DIRECTORY, COHORT_ROSTER)
LIST_READS: tuple[ReadModel, ...] = (COHORT_DIRECTORY,)
HISTORY_READS: tuple[ReadModel, ...] = (COHORT_DIRECTORY, COHORT_ROSTER, MEMBERSHIP_VIEW)


# --- one cohort -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    row: asyncpg.Record  # cohort_directory.cohorts
    coaches: list[asyncpg.Record]
    sprints: list[asyncpg.Record]


async def _cohort_row(pool: asyncpg.Pool, cohort_id: UUID) -> asyncpg.Record:
    row = await pool.fetchrow(f"SELECT * FROM {DIRECTORY}.cohorts WHERE cohort_id = $1", cohort_id)
    if row is None:
        raise NotFound(f"cohort {cohort_id} not found")
    return row


async def get_cohort(pool: asyncpg.Pool, cohort_id: UUID) -> Cohort:
    [cohort] = await with_details(pool, [await _cohort_row(pool, cohort_id)])
    return cohort


async def with_details(pool: asyncpg.Pool, rows: Sequence[asyncpg.Record]) -> list[Cohort]:
    """Each cohort row with its coaches and sprints (two queries for any number of cohorts)."""
    ids = [r["cohort_id"] for r in rows]
    coaches = await pool.fetch(
        f"SELECT * FROM {DIRECTORY}.coaches WHERE cohort_id = ANY($1::uuid[]) ORDER BY assigned_on, coach_key", ids)
    sprints = await pool.fetch(
        f"SELECT * FROM {DIRECTORY}.sprints WHERE cohort_id = ANY($1::uuid[]) ORDER BY number", ids)
    return [Cohort(r, [c for c in coaches if c["cohort_id"] == r["cohort_id"]],
                   [s for s in sprints if s["cohort_id"] == r["cohort_id"]]) for r in rows]


# --- the roster -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    row: asyncpg.Record  # cohort_roster.agents, with days_used
    details: AgentDetails | None  # None: forgotten (no key any more)

    @property
    def forgotten(self) -> bool:
        return self.details is None


async def roster(pool: asyncpg.Pool, keys: AgentKeys, cohort_id: UUID, status: AgentStatus | None = None,
                 requested_size: int = 0, page_token: str = "") -> Page:
    """The cohort's agents in enrolment order, with days of absence used; a page of RosterEntry."""
    size = page_size(requested_size)
    await _cohort_row(pool, cohort_id)
    args: list = [cohort_id]
    where = "a.cohort_id = $1"
    if status is not None:
        args.append(status.value)
        where += f" AND a.status = ${len(args)}"
    total = await pool.fetchval(f"SELECT count(*) FROM {ROSTER}.agents a WHERE {where}", *args)
    if page_token:
        args += decode_page_token(page_token, date.fromisoformat, UUID)
        where += f" AND (a.enrolled_on, a.agent_id) > (${len(args) - 1}, ${len(args)})"
    rows = await pool.fetch(
        f"""SELECT a.*, COALESCE((SELECT sum(b.days) FROM {ROSTER}.absences b
                                  WHERE b.cohort_id = a.cohort_id AND b.agent_id = a.agent_id), 0)::int AS days_used
            FROM {ROSTER}.agents a WHERE {where} ORDER BY a.enrolled_on, a.agent_id LIMIT {size + 1}""", *args)
    page = cut(rows, size, lambda r: (r["enrolled_on"].isoformat(), r["agent_id"]), total)
    revealed = await keys.reveal(_sealed(page.rows))
    return Page([RosterEntry(r, revealed.get(r["agent_id"])) for r in page.rows], page.next_page_token,
                page.total_size)


def _sealed(rows: Sequence[asyncpg.Record]) -> list[SealedEntry]:
    return [SealedEntry(r["cohort_id"], r["agent_id"],
                        SealedPersonalData(key_id=r["personal_key_id"], ciphertext=r["personal_ciphertext"]))
            for r in rows if r["personal_key_id"] is not None]


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    cohort: asyncpg.Record
    weeks_elapsed: int
    sprints: list[asyncpg.Record]
    agents_enrolled: int  # ever enrolled
    agents_withdrawn: int
    category_mix: dict[str, int]  # category -> agents ever enrolled
    absence_days_used: int
    absence_budget_per_agent: int
    most_absence_days_used: int  # by one agent

    @property
    def agents_active(self) -> int:
        return self.agents_enrolled - self.agents_withdrawn

    @property
    def attrition_rate(self) -> float:
        """Share of the agents ever enrolled who withdrew (0 with no agent)."""
        return self.agents_withdrawn / self.agents_enrolled if self.agents_enrolled else 0.0

    @property
    def absence_budget_total(self) -> int:
        return self.absence_budget_per_agent * self.agents_enrolled


def weeks_elapsed(started_on: date | None, completed_on: date | None, today: date) -> int:
    """Whole weeks since the start, up to completion (or today); holds count, as calendar time."""
    if started_on is None:
        return 0
    end = completed_on or today
    return max(0, (end - started_on).days // 7)


async def progress(pool: asyncpg.Pool, cohort_id: UUID, today: date) -> Progress:
    cohort = await _cohort_row(pool, cohort_id)
    sprints = await pool.fetch(f"SELECT * FROM {DIRECTORY}.sprints WHERE cohort_id = $1 ORDER BY number", cohort_id)
    agents = await pool.fetchrow(
        f"""SELECT count(*) AS enrolled, count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn
            FROM {ROSTER}.agents WHERE cohort_id = $1""", cohort_id)
    mix = await pool.fetch(
        f"SELECT category, count(*) AS n FROM {ROSTER}.agents WHERE cohort_id = $1 GROUP BY category", cohort_id)
    absence = await pool.fetchrow(
        f"""SELECT COALESCE(sum(per_agent), 0)::int AS used, COALESCE(max(per_agent), 0)::int AS most
            FROM (SELECT sum(days) AS per_agent FROM {ROSTER}.absences WHERE cohort_id = $1 GROUP BY agent_id) t""",
        cohort_id)
    return Progress(
        cohort=cohort, weeks_elapsed=weeks_elapsed(cohort["started_on"], cohort["completed_on"], today),
        sprints=list(sprints), agents_enrolled=agents["enrolled"], agents_withdrawn=agents["withdrawn"],
        category_mix={r["category"]: r["n"] for r in mix}, absence_days_used=absence["used"],
        absence_budget_per_agent=cohort["absence_budget_days"], most_absence_days_used=absence["most"],
    )


# --- lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortFilter:
    host_member_id: UUID | None = None
    status: CohortStatus | None = None
    kind: CohortKind | None = None


async def list_cohorts(pool: asyncpg.Pool, f: CohortFilter, requested_size: int = 0, page_token: str = "") -> Page:
    """Cohorts by host and/or status (and kind), in planned-start order; keyset paging."""
    v = Violations()
    size = page_size(requested_size, v)
    v.raise_if_any()
    clauses, args = [], []
    for column, value in (("host_member_id", f.host_member_id), ("status", f.status and f.status.value),
                          ("kind", f.kind and f.kind.value)):
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    where = " AND ".join(clauses) or "TRUE"
    total = await pool.fetchval(f"SELECT count(*) FROM {DIRECTORY}.cohorts WHERE {where}", *args)
    if page_token:
        args += decode_page_token(page_token, date.fromisoformat, UUID)
        where += f" AND (planned_start, cohort_id) > (${len(args) - 1}, ${len(args)})"
    rows = await pool.fetch(
        f"SELECT * FROM {DIRECTORY}.cohorts WHERE {where} ORDER BY planned_start, cohort_id LIMIT {size + 1}", *args)
    return cut(rows, size, lambda r: (r["planned_start"].isoformat(), r["cohort_id"]), total)


# --- a host's history -------------------------------------------------------------------------

MAX_HISTORY = 500  # cohorts of one host: a handful in practice


@dataclass(frozen=True)
class HostHistory:
    host_member_id: UUID
    host: asyncpg.Record | None  # membership_view.association_members: None if never a member
    cohorts: list[asyncpg.Record]  # each cohort row with its agents' and sprints' figures
    returns: dict[str, int]  # return outcome -> agents, across the host's cohorts


async def host_history(pool: asyncpg.Pool, host_member_id: UUID) -> HostHistory:
    """Every cohort the host has run, oldest first, with what became of its agents."""
    host = await pool.fetchrow(f"SELECT * FROM {VIEW}.association_members WHERE member_id = $1", host_member_id)
    cohorts = await pool.fetch(
        f"""SELECT c.*,
                   (SELECT count(*) FROM {ROSTER}.agents a WHERE a.cohort_id = c.cohort_id) AS agents_enrolled,
                   (SELECT count(*) FROM {ROSTER}.agents a
                     WHERE a.cohort_id = c.cohort_id AND a.status = 'withdrawn') AS agents_withdrawn,
                   (SELECT count(*) FROM {ROSTER}.agents a
                     WHERE a.cohort_id = c.cohort_id AND a.return_outcome IS NOT NULL) AS agents_returned,
                   (SELECT count(*) FROM {DIRECTORY}.sprints s WHERE s.cohort_id = c.cohort_id) AS sprints
            FROM {DIRECTORY}.cohorts c WHERE c.host_member_id = $1
            ORDER BY c.planned_start, c.cohort_id LIMIT {MAX_HISTORY}""", host_member_id)
    returns = await pool.fetch(
        f"""SELECT return_outcome, count(*) AS n FROM {ROSTER}.agents
            WHERE host_member_id = $1 AND return_outcome IS NOT NULL GROUP BY return_outcome""", host_member_id)
    if host is None and not cohorts:
        raise NotFound(f"host {host_member_id} is not known: never a member of the association, no cohort")
    return HostHistory(host_member_id, host, list(cohorts), {r["return_outcome"]: r["n"] for r in returns})
