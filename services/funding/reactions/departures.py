"""A member leaves the association -> what has not been disbursed of each of its allocations
is frozen (FreezeAllocation freezes ``allocation - disbursed``).

Allocations already frozen are left as they are (a manual freeze keeps its reason); one
fully disbursed has nothing to freeze: NothingToFreeze is expected, not an anomaly. Keyed by
grant: a redelivered or replayed MemberLeft stores nothing more. Members of the
halles-civiques collective are never funded. An allocation being made while the departure
arrives is frozen by the allocation itself (domain/late_facts.py).
"""
from __future__ import annotations

from shared.contracts.membership import MemberLeft, Scheme, membership_registry
from shared.domain.fields import REASON_MAX
from shared.projections import EventMeta
from shared.reactions import Reaction, ReactionContext
from shared.settings import events_topic
from services.funding.application.queries import allocations_to_act_on
from services.funding.domain import FreezeAllocation, NothingToFreeze
from services.funding.domain.late_facts import LEFT_THE_ASSOCIATION
from services.funding.projections.ledger import FUNDING_LEDGER


async def member_left(ctx: ReactionContext, e: MemberLeft, meta: EventMeta) -> None:
    if e.scheme is not Scheme.ASSOCIATION:
        return
    reason = f"{LEFT_THE_ASSOCIATION}: {e.reason}"[:REASON_MAX]
    pool = await ctx.read(FUNDING_LEDGER.name)
    for allocation in await allocations_to_act_on(pool, e.member_id):
        if allocation["frozen"] or allocation["undisbursed_cents"] == 0:
            continue
        grant_id = allocation["grant_id"]
        await ctx.execute(FreezeAllocation(grant_id=grant_id, member_id=e.member_id, reason=reason, on=e.on),
                          key=str(grant_id), expected=(NothingToFreeze,))


DEPARTURES = Reaction(
    "funding_departures",
    sources={events_topic("membership"): membership_registry()},
    handlers={MemberLeft.event_type: member_left},
)
