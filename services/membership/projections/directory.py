"""The member directory: one row per membership, filtered by kind, scheme, status and name.

Handlers are idempotent on their own (upserts keyed by member id, guarded by the stream
version) and the runner adds the checkpoint, so a replayed event never changes a row twice.
"""
from __future__ import annotations

import json
from pathlib import Path

import asyncpg

from shared.contracts.membership import (
    DuesRenewed,
    MemberAdmitted,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    normalise_name,
)
from shared.events.envelope import Envelope

SCHEMA = "member_directory"

DDL = (Path(__file__).resolve().parents[1] / "migrations" / "001_member_directory.sql").read_text()


async def on_admitted(conn: asyncpg.Connection, env: Envelope, e: MemberAdmitted) -> None:
    await conn.execute(
        """INSERT INTO members (member_id, scheme, kind, name, name_search, siren, identity_key, territory,
                                contacts, status, admitted_on, dues_paid_until, version, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 'active', $10, $11, $12, $13)
           ON CONFLICT (member_id) DO NOTHING""",
        e.member_id, e.scheme.value, e.kind.value, e.name, normalise_name(e.name), e.siren, e.identity_key,
        e.territory, _contacts_json(e.contacts), e.admitted_on, e.dues_paid_until, env.version, env.position,
    )


async def on_admitted_many(conn: asyncpg.Connection, items: list[tuple[Envelope, MemberAdmitted]]) -> None:
    """Same rows as on_admitted, event by event, in one statement (a live batch's run).

    contacts go as JSON text cast in SQL: a jsonb[] parameter of Python lists would be read
    by asyncpg as a two-dimensional array.
    """
    columns: list[list] = [[] for _ in range(13)]
    (member_ids, schemes, kinds, names, searches, sirens, identity_keys, territories, contacts,
     admitted_on, dues, versions, positions) = columns
    for env, e in items:
        member_ids.append(e.member_id)
        schemes.append(e.scheme.value)
        kinds.append(e.kind.value)
        names.append(e.name)
        searches.append(normalise_name(e.name))
        sirens.append(e.siren)
        identity_keys.append(e.identity_key)
        territories.append(e.territory)
        contacts.append(_contacts_text(e.contacts))
        admitted_on.append(e.admitted_on)
        dues.append(e.dues_paid_until)
        versions.append(env.version)
        positions.append(env.position)
    # ORDER BY ordinality: with a member admitted twice in one run, the first one wins, as
    # with one INSERT per event (DO NOTHING skips rows that conflict within the statement).
    await conn.execute(
        """INSERT INTO members (member_id, scheme, kind, name, name_search, siren, identity_key, territory,
                                contacts, status, admitted_on, dues_paid_until, version, position)
           SELECT m, s, k, n, ns, si, ik, t, c::jsonb, 'active', a, d, v, p
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::date[], $11::int[], $12::int[], $13::bigint[])
                WITH ORDINALITY AS r(m, s, k, n, ns, si, ik, t, c, a, d, v, p, o)
           ORDER BY o
           ON CONFLICT (member_id) DO NOTHING""",
        *columns,
    )


async def on_profile_updated(conn: asyncpg.Connection, env: Envelope, e: MemberProfileUpdated) -> None:
    await conn.execute(
        """UPDATE members SET kind = COALESCE($2, kind), name = COALESCE($3, name),
                  name_search = COALESCE($4, name_search), territory = COALESCE($5, territory),
                  contacts = COALESCE($6::jsonb, contacts), version = $7, position = $8
           WHERE member_id = $1 AND version < $7""",
        e.member_id, e.kind.value if e.kind else None, e.name, normalise_name(e.name) if e.name else None,
        e.territory, _contacts_json(e.contacts) if e.contacts is not None else None, env.version, env.position,
    )


async def _set_status(conn: asyncpg.Connection, env: Envelope, member_id, status: MemberStatus,
                      reason: str | None, left_on=None) -> None:
    await conn.execute(
        """UPDATE members SET status = $2, status_reason = $3, left_on = COALESCE($4, left_on),
                  version = $5, position = $6
           WHERE member_id = $1 AND version < $5""",
        member_id, status.value, reason, left_on, env.version, env.position,
    )


async def on_suspended(conn: asyncpg.Connection, env: Envelope, e: MemberSuspended) -> None:
    await _set_status(conn, env, e.member_id, MemberStatus.SUSPENDED, e.reason)


async def on_reinstated(conn: asyncpg.Connection, env: Envelope, e: MemberReinstated) -> None:
    await _set_status(conn, env, e.member_id, MemberStatus.ACTIVE, None)


async def on_left(conn: asyncpg.Connection, env: Envelope, e: MemberLeft) -> None:
    await _set_status(conn, env, e.member_id, MemberStatus.LEFT, e.reason, left_on=e.on)


async def on_dues_renewed(conn: asyncpg.Connection, env: Envelope, e: DuesRenewed) -> None:
    await conn.execute(
        """UPDATE members SET dues_paid_until = GREATEST(dues_paid_until, $2), version = $3, position = $4
           WHERE member_id = $1 AND version < $3""",
        e.member_id, e.paid_until, env.version, env.position,
    )


def _contacts_json(contacts) -> list[dict]:
    # The pool's jsonb codec serialises Python values; passing JSON text would double-encode.
    return [c.model_dump() for c in contacts]


HANDLERS = {
    MemberAdmitted.event_type: on_admitted,
    MemberProfileUpdated.event_type: on_profile_updated,
    MemberSuspended.event_type: on_suspended,
    MemberReinstated.event_type: on_reinstated,
    MemberLeft.event_type: on_left,
    DuesRenewed.event_type: on_dues_renewed,
}
BULK_HANDLERS = {MemberAdmitted.event_type: on_admitted_many}


# --- rebuild: fold every event in memory, then COPY the rows into the fresh schema ---------------
# Same rows as the handlers above build, event by event (tests/integration/test_rebuild.py).

COLUMNS = ("member_id", "scheme", "kind", "name", "name_search", "siren", "identity_key", "territory",
           "contacts", "status", "status_reason", "admitted_on", "left_on", "dues_paid_until", "version",
           "position")
_KIND, _NAME, _NAME_SEARCH, _TERRITORY, _CONTACTS, _STATUS, _REASON, _LEFT_ON, _DUES, _VERSION, _POSITION = (
    2, 3, 4, 7, 8, 9, 10, 12, 13, 14, 15)


def fold_start() -> dict:
    """member_id -> row (a list in COLUMNS order; contacts as JSON text)."""
    return {}


def fold_step(members: dict, rows, events) -> dict:
    active, suspended, left = MemberStatus.ACTIVE.value, MemberStatus.SUSPENDED.value, MemberStatus.LEFT.value
    for row, e in zip(rows, events):
        member = members.get(e.member_id)
        if member is None:
            if e.__class__ is MemberAdmitted:
                members[e.member_id] = [
                    e.member_id, e.scheme.value, e.kind.value, e.name, normalise_name(e.name), e.siren,
                    e.identity_key, e.territory, _contacts_text(e.contacts), active, None, e.admitted_on, None,
                    e.dues_paid_until, row.version, row.position]
            continue  # an update of a member never admitted changes nothing (UPDATE ... WHERE)
        if member[_VERSION] >= row.version:
            continue  # already applied (ON CONFLICT DO NOTHING / the version guard)
        cls = e.__class__
        if cls is MemberProfileUpdated:
            if e.kind is not None:
                member[_KIND] = e.kind.value
            if e.name is not None:
                member[_NAME] = e.name
            if e.name:
                member[_NAME_SEARCH] = normalise_name(e.name)
            if e.territory is not None:
                member[_TERRITORY] = e.territory
            if e.contacts is not None:
                member[_CONTACTS] = _contacts_text(e.contacts)
        elif cls is MemberSuspended:
            member[_STATUS], member[_REASON] = suspended, e.reason
        elif cls is MemberReinstated:
            member[_STATUS], member[_REASON] = active, None
        elif cls is MemberLeft:
            member[_STATUS], member[_REASON], member[_LEFT_ON] = left, e.reason, e.on
        elif cls is DuesRenewed:
            member[_DUES] = max(member[_DUES], e.paid_until)
        else:
            continue  # MemberAdmitted again: ON CONFLICT DO NOTHING
        member[_VERSION], member[_POSITION] = row.version, row.position
    return members


async def fold_flush(conn: asyncpg.Connection, members: dict) -> None:
    """COPY into a text-contacts staging table (binary COPY needs no jsonb codec), then one INSERT."""
    if not members:
        return
    await conn.execute("""CREATE TEMP TABLE members_load (LIKE members) ON COMMIT DROP;
                          ALTER TABLE members_load ALTER COLUMN contacts TYPE text USING contacts::text""")
    await conn.copy_records_to_table("members_load", records=members.values(), columns=COLUMNS)
    columns = ", ".join(COLUMNS)
    await conn.execute(f"INSERT INTO members ({columns}) SELECT {columns.replace('contacts', 'contacts::jsonb')} "
                       "FROM members_load")


def _contacts_text(contacts) -> str:
    return json.dumps(_contacts_json(contacts))
