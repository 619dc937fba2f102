"""When a host leaves the association, its live cohorts go on hold, with the reason, once.

"Live" is open or running: a cohort of a departed host must not start later either (the
domain allows open -> on hold for that). A cohort already on hold or completed is left as it
is. The handler lists the host's live cohorts from the directory once it has applied
everything cohorts has stored, and puts each on hold with a request id derived from the
MemberLeft event and the cohort (the kit's), so a MemberLeft delivered twice or replayed from
the beginning issues nothing new: the cohort is no longer live, and were it listed again the
store would answer the first hold.

The refusals that mean "nothing to do" are expected: on hold already (a client, or an earlier
delivery, came first) and completed (meanwhile). Any other refusal is an anomaly for an
operator (``lab27 anomalies``).

A cohort opened in the instant between its host check and the view applying the departure
(the opening read "active", its append committed after this handler listed the cohorts) is
not put on hold: that window is the time of one append.
"""
from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from shared.contracts.cohorts import CohortStatus
from shared.contracts.membership import MemberLeft, Scheme, membership_registry
from shared.domain.fields import REASON_MAX
from shared.projections import EventMeta
from shared.reactions import Reaction, ReactionContext
from shared.settings import events_topic
from services.cohorts.domain import AlreadyOnHold, CohortIsCompleted, PutCohortOnHold
from services.cohorts.projections.directory import COHORT_DIRECTORY

DIRECTORY = COHORT_DIRECTORY.name
LIVE = (CohortStatus.OPEN.value, CohortStatus.RUNNING.value)
NOTHING_TO_DO = (AlreadyOnHold, CohortIsCompleted)
REASON_PREFIX = "host left the association: "


def hold_reason(departure_reason: str) -> str:
    """The hold's reason: the departure's, said to be one (cut to fit a Reason)."""
    return (REASON_PREFIX + departure_reason)[:REASON_MAX]


async def live_cohorts_of(pool: asyncpg.Pool, host_member_id: UUID) -> list[asyncpg.Record]:
    return await pool.fetch(
        f"""SELECT cohort_id, status_since FROM {DIRECTORY}.cohorts
            WHERE host_member_id = $1 AND status = ANY($2::text[]) ORDER BY cohort_id""",
        host_member_id, list(LIVE))


async def hold_cohorts_of_departed_host(ctx: ReactionContext, e: MemberLeft, meta: EventMeta) -> None:
    if e.scheme is not Scheme.ASSOCIATION:
        return  # leaving the halles civiques collective says nothing about hosting a lab
    pool = await ctx.read(DIRECTORY)
    for cohort in await live_cohorts_of(pool, e.member_id):
        # Dated the departure, or the cohort's last change of status when that is later (a
        # cohort started after its host's announced departure date: a hold is never dated
        # before the cohort's last change).
        on: date = max(e.on, cohort["status_since"])
        await ctx.execute(PutCohortOnHold(cohort_id=cohort["cohort_id"], reason=hold_reason(e.reason), on=on),
                          key=str(cohort["cohort_id"]), expected=NOTHING_TO_DO)


HOST_LEFT = Reaction(
    name="cohorts_host_left",
    sources={events_topic("membership"): membership_registry()},
    handlers={MemberLeft.event_type: hold_cohorts_of_departed_host},
)
