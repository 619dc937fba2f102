"""The member directory: one row per membership, filtered by kind, scheme, status and name.

Handlers are idempotent on their own (upserts keyed by member id, guarded by the stream
version) and the runner adds the checkpoint, so a replayed event never changes a row twice.
"""
from __future__ import annotations

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
