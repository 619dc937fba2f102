"""A short summary of a running lab27, read back through the four services' gRPC queries:
members by kind, the collective, the cohorts with their attrition, the grant allocated and
remaining, and the next bookings (from the article's moment, June 2018)."""
from __future__ import annotations

from datetime import date

from lab27.bookings.v1 import bookings_pb2 as bk
from lab27.cohorts.v1 import cohorts_pb2 as co
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as fu
from lab27.membership.v1 import membership_pb2 as me
from shared.scenario import article
from shared.scenario.loader import CALL_TIMEOUT, Stubs

PAGE = common_pb2.PageRequest(page_size=500)


def euros(money: common_pb2.Money) -> str:
    units, cents = divmod(money.amount_cents, 100)
    return f"{units:,}.{cents:02d} {money.currency}".replace(",", " ")


def iso(value: common_pb2.Date) -> str:
    return date(value.year, value.month, value.day).isoformat() if value.year else "-"


async def summary(stubs: Stubs, token: str = "", today: date = article.TODAY) -> list[str]:
    """The lines to print; ``token`` (the loader's) makes every query read what was loaded."""
    lines: list[str] = []
    counts = await stubs.membership.CountMembers(me.CountMembersRequest(consistency_token=token),
                                                 timeout=CALL_TIMEOUT)
    schemes = {me.Scheme.Name(s.scheme): s.count for s in counts.by_scheme}
    association = await _members(stubs, me.SCHEME_ASSOCIATION, token)
    by_kind: dict[str, int] = {}
    for member in association:
        by_kind[me.Kind.Name(member.kind).removeprefix("KIND_").lower()] = by_kind.get(
            me.Kind.Name(member.kind).removeprefix("KIND_").lower(), 0) + 1
    lines.append(f"members      {schemes.get('SCHEME_ASSOCIATION', 0)} in the association: "
                 + ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1])))
    lines.append(f"collective   {schemes.get('SCHEME_HALLES_CIVIQUES', 0)} organisations run the halles civiques "
                 f"({sum(1 for m in await _members(stubs, me.SCHEME_HALLES_CIVIQUES, token) if m.status == me.STATUS_ACTIVE)} active)")
    names = {m.member_id: m.name for m in association}
    cohorts = await stubs.cohorts.ListCohorts(co.ListCohortsRequest(page=PAGE, consistency_token=token),
                                              timeout=CALL_TIMEOUT)
    for cohort in sorted(cohorts.cohorts, key=lambda c: iso(c.planned_start)):
        progress = (await stubs.cohorts.GetProgress(co.GetProgressRequest(cohort_id=cohort.cohort_id,
                                                                          consistency_token=token),
                                                    timeout=CALL_TIMEOUT)).progress
        status = co.CohortStatus.Name(progress.status).removeprefix("COHORT_STATUS_").lower()
        lines.append(f"cohort       {names.get(cohort.host_member_id, cohort.host_member_id):<35} {cohort.theme[:40]:<40} "
                     f"{status:<9} {'from' if progress.started_on.year else 'planned'} "
                     f"{iso(progress.started_on if progress.started_on.year else progress.planned_start)}: "
                     f"{progress.agents_active}/{progress.agents_enrolled} agents, attrition "
                     f"{progress.attrition_rate:.0%}")
    grants = await stubs.funding.ListGrants(fu.ListGrantsRequest(page=PAGE, consistency_token=token),
                                            timeout=CALL_TIMEOUT)
    for grant in grants.grants:
        due = ", ".join(f"{d.count} due by {iso(d.due_by)}" for d in grant.designations_outstanding)
        lines.append(f"grant        {grant.funder} {euros(grant.awarded)} ({grant.funder_share_bp / 100:g}% of the "
                     f"cost): {grant.allocation_count} allocated {euros(grant.allocated)}, remaining "
                     f"{euros(grant.remaining)}, disbursed {euros(grant.disbursed)}; designations {due or 'none'}")
    upcoming = []
    collective = await _members(stubs, me.SCHEME_HALLES_CIVIQUES, token)
    for member in collective:
        reply = await stubs.bookings.ListOrganisationBookings(bk.ListOrganisationBookingsRequest(
            organisation_id=member.member_id, page=PAGE, consistency_token=token), timeout=CALL_TIMEOUT)
        upcoming += [(iso(b.day), b, member.name) for b in reply.bookings
                     if b.status == bk.BOOKING_STATUS_BOOKED and iso(b.day) >= today.isoformat()]
    for when, booking, organisation in sorted(upcoming, key=lambda u: (u[0], u[1].start.hours))[:5]:
        lines.append(f"booking      {when} {booking.start.hours:02d}:{booking.start.minutes:02d} "
                     f"{booking.title} ({organisation}, {booking.attendance} people)")
    return lines


async def _members(stubs: Stubs, scheme: int, token: str) -> list:
    members, page_token = [], ""
    while True:
        reply = await stubs.membership.ListMembers(me.ListMembersRequest(
            scheme=scheme, page=common_pb2.PageRequest(page_size=500, page_token=page_token),
            consistency_token=token), timeout=CALL_TIMEOUT)
        members += reply.members
        page_token = reply.page.next_page_token
        if not page_token:
            return members
