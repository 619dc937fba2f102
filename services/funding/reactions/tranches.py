"""A lab starts -> its host's first tranche falls due; it completes -> the final one does.

For every allocation of the host (under any grant) whose tranche has not fallen due yet, as
the ledger shows it once it holds everything funding has stored (``ctx.read``), so an
allocation made a moment ago is seen. MarkTrancheDue is keyed by grant and tranche: a
redelivered or replayed event issues the same request ids and stores nothing, and a tranche
already due decides nothing anyway. A completion also makes the first tranche due if it is
not yet (the start was missed by an allocation made in between: see domain/late_facts.py).
An allocation made after the event is decided with the cohorts view instead (the
Mulhouse case). Workshops unlock no tranche.
"""
from __future__ import annotations

from datetime import date
from uuid import UUID

from shared.contracts.cohorts import CohortCompleted, CohortKind, CohortStarted, cohorts_registry
from shared.contracts.funding import Tranche
from shared.projections import EventMeta
from shared.reactions import Reaction, ReactionContext
from shared.settings import events_topic
from services.funding.application.queries import allocations_to_act_on
from services.funding.domain import MarkTrancheDue
from services.funding.projections.ledger import FUNDING_LEDGER


async def _make_due(ctx: ReactionContext, host: UUID, cohort_id: UUID, due: dict[Tranche, date]) -> None:
    pool = await ctx.read(FUNDING_LEDGER.name)
    for allocation in await allocations_to_act_on(pool, host):
        grant_id = allocation["grant_id"]
        for tranche, on in due.items():
            if tranche.value not in allocation["fell_due"]:
                await ctx.execute(MarkTrancheDue(grant_id=grant_id, member_id=host, tranche=tranche, due_on=on,
                                                 cohort_id=cohort_id), key=f"{grant_id}:{tranche.value}")


async def lab_started(ctx: ReactionContext, e: CohortStarted, meta: EventMeta) -> None:
    if e.kind is CohortKind.LAB:
        await _make_due(ctx, e.host_member_id, e.cohort_id, {Tranche.FIRST: e.started_on})


async def lab_completed(ctx: ReactionContext, e: CohortCompleted, meta: EventMeta) -> None:
    if e.kind is CohortKind.LAB:
        await _make_due(ctx, e.host_member_id, e.cohort_id,
                        {Tranche.FIRST: e.started_on, Tranche.FINAL: e.completed_on})


TRANCHES_DUE = Reaction(
    "funding_tranches_due",
    sources={events_topic("cohorts"): cohorts_registry()},
    handlers={CohortStarted.event_type: lab_started, CohortCompleted.event_type: lab_completed},
)
