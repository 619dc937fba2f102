"""Cohorts' local view of membership: the association's members and their standing.

Built from ``lab27.membership.events`` with membership's public contract
(shared.contracts.membership), never by asking membership. Only the association scheme
counts: a host must be an active member of La 27e Région, and belonging to the halles
civiques collective says nothing about that. The application reads it to decide whether a
member may open (or resume) a cohort (application/hosts.py).
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

members = Table("association_members", key="member_id")


def _changed(row: Row, meta: EventMeta, **columns) -> Row:
    return {**row, **columns, "version": meta.version, "position": meta.position}


@members.on(MemberAdmitted)
def admitted(row: Row | None, e: MemberAdmitted, meta: EventMeta) -> Row | None:
    if row is not None or e.scheme is not Scheme.ASSOCIATION:
        return row  # another scheme's member, or a replayed admission: nothing changes
    return {"member_id": e.member_id, "name": e.name, "status": MemberStatus.ACTIVE.value, "status_reason": None,
            "admitted_on": e.admitted_on, "left_on": None, "version": meta.version, "position": meta.position}


@members.on(MemberProfileUpdated)
def profile_updated(row: Row | None, e: MemberProfileUpdated, meta: EventMeta) -> Row | None:
    if row is None:
        return None
    return _changed(row, meta, **({"name": e.name} if e.name is not None else {}))


@members.on(MemberSuspended)
def suspended(row: Row | None, e: MemberSuspended, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.SUSPENDED.value, status_reason=e.reason)


@members.on(MemberReinstated)
def reinstated(row: Row | None, e: MemberReinstated, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.ACTIVE.value, status_reason=None)


@members.on(MemberLeft)
def left(row: Row | None, e: MemberLeft, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.LEFT.value, status_reason=e.reason, left_on=e.on)


MEMBERSHIP_VIEW = ReadModel(
    name="membership_view",
    ddl=sql("003_membership_view.sql", __file__),
    sources={events_topic("membership"): membership_registry()},
    tables=(members,),
)
