"""The local view of membership: the organisations of the halles-civiques collective.

Bookings never calls membership: it keeps this view in its own database, built from
lab27.membership.events with membership's contract (shared.contracts.membership), and a
booking reads "is this organisation an active member?" from it. Members of the association
only (the other scheme) are not kept.
"""
from __future__ import annotations

from shared.contracts.membership import (
    MemberAdmitted,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    Scheme,
    membership_registry,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

members = Table("members", key="member_id")


@members.on(MemberAdmitted)
def admitted(row: Row | None, e: MemberAdmitted, meta: EventMeta) -> Row | None:
    if row is not None or e.scheme is not Scheme.HALLES_CIVIQUES:
        return row  # admitted twice (a replay): the first admission stands; the association: not ours
    return {"member_id": e.member_id, "name": e.name, "status": MemberStatus.ACTIVE.value, "status_reason": None,
            "since": e.admitted_on, "left_at": None, "version": meta.version}


@members.on(MemberProfileUpdated)
def profile_updated(row: Row | None, e: MemberProfileUpdated, meta: EventMeta) -> Row | None:
    if row is None or e.name is None:
        return row
    return {**row, "name": e.name, "version": meta.version}


@members.on(MemberSuspended)
def suspended(row: Row | None, e: MemberSuspended, meta: EventMeta) -> Row | None:
    return row and {**row, "status": MemberStatus.SUSPENDED.value, "status_reason": e.reason, "since": e.on,
                    "version": meta.version}


@members.on(MemberReinstated)
def reinstated(row: Row | None, e: MemberReinstated, meta: EventMeta) -> Row | None:
    return row and {**row, "status": MemberStatus.ACTIVE.value, "status_reason": None, "since": e.on,
                    "version": meta.version}


@members.on(MemberLeft)
def left(row: Row | None, e: MemberLeft, meta: EventMeta) -> Row | None:
    # left_at: the departure's business instant (services.bookings.domain.departure), which the
    # booking path compares its slot with when the member left while it was being decided.
    return row and {**row, "status": MemberStatus.LEFT.value, "status_reason": e.reason, "since": e.on,
                    "left_at": meta.occurred_at, "version": meta.version}


COLLECTIVE_MEMBERS = ReadModel(
    name="collective_members",
    ddl=sql("002_collective_members.sql", __file__),
    sources={events_topic("membership"): membership_registry()},
    tables=(members,),
)
