"""The member directory: one row per membership, filtered by kind, scheme, status and name.

Declared once (shared.projections.readmodel): the kit applies it live in batches and rebuilds
it by folding in memory, from these functions alone. Counts by kind or scheme are queries
over these rows (application/queries.py), not another table.
"""
from __future__ import annotations

from shared.contracts.membership import (
    DuesRenewed,
    MemberAdmitted,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    membership_registry,
    normalise_name,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

members = Table("members", key="member_id")


@members.on(MemberAdmitted)
def admitted(row: Row | None, e: MemberAdmitted, meta: EventMeta) -> Row | None:
    if row is not None:
        return row  # admitted twice (a replayed history): the first admission stands
    return {
        "member_id": e.member_id, "scheme": e.scheme.value, "kind": e.kind.value, "name": e.name,
        "name_search": normalise_name(e.name), "siren": e.siren, "identity_key": e.identity_key,
        "territory": e.territory, "contacts": [c.model_dump() for c in e.contacts],
        "status": MemberStatus.ACTIVE.value, "status_reason": None, "admitted_on": e.admitted_on,
        "left_on": None, "dues_paid_until": e.dues_paid_until, "version": meta.version, "position": meta.position,
    }


def _changed(row: Row, meta: EventMeta, **columns) -> Row:
    return {**row, **columns, "version": meta.version, "position": meta.position}


@members.on(MemberProfileUpdated)
def profile_updated(row: Row | None, e: MemberProfileUpdated, meta: EventMeta) -> Row | None:
    if row is None:
        return None  # an update of a member never admitted changes nothing
    changes = {}
    if e.kind is not None:
        changes["kind"] = e.kind.value
    if e.name is not None:
        changes["name"] = e.name
        changes["name_search"] = normalise_name(e.name)
    if e.territory is not None:
        changes["territory"] = e.territory
    if e.contacts is not None:
        changes["contacts"] = [c.model_dump() for c in e.contacts]
    return _changed(row, meta, **changes)


@members.on(MemberSuspended)
def suspended(row: Row | None, e: MemberSuspended, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.SUSPENDED.value, status_reason=e.reason)


@members.on(MemberReinstated)
def reinstated(row: Row | None, e: MemberReinstated, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.ACTIVE.value, status_reason=None)


@members.on(MemberLeft)
def left(row: Row | None, e: MemberLeft, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, status=MemberStatus.LEFT.value, status_reason=e.reason, left_on=e.on)


@members.on(DuesRenewed)
def dues_renewed(row: Row | None, e: DuesRenewed, meta: EventMeta) -> Row | None:
    return row and _changed(row, meta, dues_paid_until=max(row["dues_paid_until"], e.paid_until))


MEMBER_DIRECTORY = ReadModel(
    name="member_directory",
    ddl=sql("001_member_directory.sql", __file__),
    sources={events_topic("membership"): membership_registry()},
    tables=(members,),
)
