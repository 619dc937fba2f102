"""Membership -> bookings: an organisation that leaves the halles-civiques collective has its
future bookings cancelled, with the departure's reason, once.

"Future" is business time (services.bookings.domain.departure): the bookings that start at or
after the departure's business instant, whatever today's date is; the ones before stay.

Once: the kit runs this handler after the local view of the collective has applied the
MemberLeft (so no booking decided from then on passes the membership check), and each
CancelBooking's request id is derived from (reaction, MemberLeft's event id, booking id), so a
redelivered or replayed MemberLeft stores nothing more (the store answers the first result).
A booking that raced the departure and committed after the listing cancels itself (see
services.bookings.application.commands).
"""
from __future__ import annotations

from shared.contracts.membership import MemberLeft, Scheme, membership_registry
from shared.projections import EventMeta
from shared.reactions import Reaction, ReactionContext
from shared.settings import events_topic
from services.bookings.application.queries import future_bookings
from services.bookings.domain import CancelBooking
from services.bookings.domain.departure import cancellation_reason
from services.bookings.projections.venue import VENUE


async def cancel_future_bookings(ctx: ReactionContext, e: MemberLeft, meta: EventMeta) -> None:
    if e.scheme is not Scheme.HALLES_CIVIQUES:
        return  # leaving the association: the collective is another membership
    pool = await ctx.read(VENUE.name)  # every booking stored so far is in the venue
    reason = cancellation_reason(e.on, e.reason)
    for booking in await future_bookings(pool, e.member_id, meta.occurred_at):
        # A cancelled booking is cancelled again with no event: nothing to expect or report.
        await ctx.execute(CancelBooking(booking_id=booking["booking_id"], reason=reason),
                          key=str(booking["booking_id"]))


MEMBER_LEFT = Reaction(
    name="bookings_on_leave",
    sources={events_topic("membership"): membership_registry()},
    handlers={MemberLeft.event_type: cancel_future_bookings},
)
