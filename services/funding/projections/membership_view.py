"""Funding's local view of membership: the association's members and their standing.

Built from ``lab27.membership.events`` with membership's public contract, in funding's own
database; funding never calls membership. An allocation is decided with what this view says
of its administration (application/administrations.py). Members of the halles-civiques
collective get no row: only the association's members are funded.
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

administrations = Table("administrations", key="member_id")


@administrations.on(MemberAdmitted)
def admitted(row: Row | None, e: MemberAdmitted, meta: EventMeta) -> Row | None:
    if row is not None or e.scheme is not Scheme.ASSOCIATION:
        return row
    return {"member_id": e.member_id, "name": e.name, "kind": e.kind.value, "status": MemberStatus.ACTIVE.value,
            "status_since": e.admitted_on}


@administrations.on(MemberProfileUpdated)
def profile_updated(row: Row | None, e: MemberProfileUpdated, meta: EventMeta) -> Row | None:
    if row is None:
        return None
    return {**row, "name": e.name if e.name is not None else row["name"],
            "kind": e.kind.value if e.kind is not None else row["kind"]}


def _status(row: Row | None, status: MemberStatus, since) -> Row | None:
    return row and {**row, "status": status.value, "status_since": since}


@administrations.on(MemberSuspended)
def suspended(row: Row | None, e: MemberSuspended, meta: EventMeta) -> Row | None:
    return _status(row, MemberStatus.SUSPENDED, e.on)


@administrations.on(MemberReinstated)
def reinstated(row: Row | None, e: MemberReinstated, meta: EventMeta) -> Row | None:
    return _status(row, MemberStatus.ACTIVE, e.on)


@administrations.on(MemberLeft)
def left(row: Row | None, e: MemberLeft, meta: EventMeta) -> Row | None:
    return _status(row, MemberStatus.LEFT, e.on)


MEMBERSHIP_VIEW = ReadModel(
    name="membership_view",
    ddl=sql("002_membership_view.sql", __file__),
    sources={events_topic("membership"): membership_registry()},
    tables=(administrations,),
)
