"""Agents' personal data, crypto-shredded: one AES-256-GCM key per agent, outside the events.

An agent's name and email are sealed with a key of that agent's own the moment the
application receives them, before the domain sees them. Only the sealed form
(:class:`SealedPersonalData`) goes into events, hence into the topic, the read models and
every export. The keys live in the ``agent_keys`` table of the cohorts database, which is
not event-sourced: it is the one place that can turn sealed data back into a name, and it
is read only when a query answers (:meth:`AgentKeys.reveal`).

Forgetting an agent (:meth:`AgentKeys.forget`) deletes their key, then rewrites the table
with ``VACUUM (FULL)``: a plain VACUUM frees the dead row's space but may leave its bytes in
the page until something overwrites them, while VACUUM FULL writes the live rows to a new
file and unlinks the old one. From then on, no query, rebuild or replay can read the sealed
data again; everything else about the agent (category, department, absences) stays.

What remains after forgetting, and for how long:
- Postgres WAL holds the key (the INSERT, and full-page images of ``agent_keys`` pages) until
  those segments are recycled: after the next checkpoints, typically within
  ``max_wal_size`` of writes or ``checkpoint_timeout`` x 2; longer when WAL is archived
  (then as long as the archive is kept) or a replication slot holds it.
- The old heap file's blocks stay on the file system's free list until reused.
- Backups (pg_dump, base backups) taken before the forgetting keep the key for as long as
  they are kept; restoring one brings the agent back, so a restore must replay the
  AgentForgotten events' key deletions (re-run ForgetAgent for each) before use.
- The events keep the ciphertext for ever: without its key it is noise.

Matching "the same person" within a cohort uses a fingerprint stored beside the key, never in
an event: SHA-256 of ``<cohort_id>:`` plus the email (casefolded) when given, else the
normalised name and home department. It goes with the key, so after forgetting nobody can
tell that a name was ever enrolled.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.cohorts import SealedPersonalData
from shared.domain.fields import Email, Name

NONCE_BYTES = 12
DDL_FILE = Path(__file__).resolve().parents[1] / "migrations" / "000_agent_keys.sql"


def agent_keys_ddl() -> str:
    """The key table's DDL (migrations/000_agent_keys.sql), read when asked, not at import."""
    return DDL_FILE.read_text()


class AgentDetails(BaseModel):
    """An agent's personal data, in clear: only ever in memory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Name = Field(repr=False)
    email: Email | None = Field(None, repr=False)


# --- sealing (pure) ----------------------------------------------------------------------------


def _associated(cohort_id: UUID, agent_id: UUID) -> bytes:
    # Binds a ciphertext to its agent: copied onto another agent it does not open.
    return f"{cohort_id}:{agent_id}".encode()


def seal(key: bytes, key_id: UUID, cohort_id: UUID, agent_id: UUID, details: AgentDetails) -> SealedPersonalData:
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(details.model_dump(), ensure_ascii=False, separators=(",", ":")).encode()
    sealed = AESGCM(key).encrypt(nonce, plaintext, _associated(cohort_id, agent_id))
    return SealedPersonalData(key_id=key_id, ciphertext=base64.b64encode(nonce + sealed).decode())


def unseal(key: bytes, sealed: SealedPersonalData, cohort_id: UUID, agent_id: UUID) -> AgentDetails | None:
    """The details, or None when this key and this agent do not open them."""
    raw = base64.b64decode(sealed.ciphertext)
    try:
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(cohort_id, agent_id))
    except InvalidTag:
        return None
    return AgentDetails(**json.loads(plaintext))


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def fingerprint(cohort_id: UUID, details: AgentDetails, home_department: str) -> bytes:
    """Who this person is within one cohort: their email, else their name and department."""
    who = (f"email:{details.email.casefold()}" if details.email
           else f"name:{_normalised(details.name)}|department:{_normalised(home_department)}")
    return hashlib.sha256(f"{cohort_id}:{who}".encode()).digest()


# --- the key table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentKey:
    """One agent's key; ``created``: made by this call (not found for an earlier enrolment)."""

    agent_id: UUID
    cohort_id: UUID
    key_id: UUID
    key: bytes
    created: bool

    def seal(self, details: AgentDetails) -> SealedPersonalData:
        return seal(self.key, self.key_id, self.cohort_id, self.agent_id, details)


@dataclass(frozen=True)
class SealedEntry:
    """Sealed personal data as a read model holds it, with the agent it belongs to."""

    cohort_id: UUID
    agent_id: UUID
    sealed: SealedPersonalData


class AgentKeys:
    """The ``agent_keys`` table: create a key on enrolment, reveal at query time, forget."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def migrate(self) -> None:
        await self._pool.execute(agent_keys_ddl())

    async def key_for(self, cohort_id: UUID, details: AgentDetails, home_department: str) -> AgentKey:
        """The key of this person in this cohort: theirs if they have one, else a new one.

        Racing enrolments of one person agree on one row (the unique fingerprint).

        The insert commits without waiting for its WAL flush (synchronous_commit off for
        this one statement): the enrolment event appended next is committed synchronously
        after it, and flushing that commit flushes the WAL before it, key included. A crash
        in between loses at most a key no stored event uses (the enrolment was never
        acknowledged); one fsync per enrolment fewer."""
        who = fingerprint(cohort_id, details, home_department)
        while True:
            row = await self._pool.fetchrow(
                """INSERT INTO agent_keys (key_id, agent_id, cohort_id, fingerprint, key)
                   SELECT $1, $2, $3, $4, $5 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed
                   ON CONFLICT (cohort_id, fingerprint) DO NOTHING
                   RETURNING agent_id, key_id, key""",
                uuid.uuid4(), uuid.uuid4(), cohort_id, who, new_key())
            if row is not None:
                return AgentKey(row["agent_id"], cohort_id, row["key_id"], row["key"], created=True)
            row = await self._pool.fetchrow(
                "SELECT agent_id, key_id, key FROM agent_keys WHERE cohort_id = $1 AND fingerprint = $2",
                cohort_id, who)
            if row is not None:  # else forgotten between the two statements: make a new one
                return AgentKey(row["agent_id"], cohort_id, row["key_id"], row["key"], created=False)

    async def discard(self, key: AgentKey) -> None:
        """Drop a key made for an enrolment that was refused, unless an enrolment of that
        agent was stored after all (then the key is theirs and must stay)."""
        await self._pool.execute(
            """DELETE FROM agent_keys k WHERE k.key_id = $1 AND NOT EXISTS (
                   SELECT 1 FROM events e WHERE e.stream_id = $2 AND e.type = 'cohorts.AgentEnrolled'
                   AND e.data->>'agent_id' = $3)""",
            key.key_id, str(key.cohort_id), str(key.agent_id))

    async def reveal(self, entries: Iterable[SealedEntry]) -> dict[UUID, AgentDetails]:
        """agent id -> details, for every entry whose key still exists (no key: forgotten)."""
        entries = list(entries)
        if not entries:
            return {}
        rows = await self._pool.fetch("SELECT key_id, key FROM agent_keys WHERE key_id = ANY($1::uuid[])",
                                      [e.sealed.key_id for e in entries])
        keys: Mapping[UUID, bytes] = {r["key_id"]: r["key"] for r in rows}
        revealed: dict[UUID, AgentDetails] = {}
        for entry in entries:
            key = keys.get(entry.sealed.key_id)
            details = unseal(key, entry.sealed, entry.cohort_id, entry.agent_id) if key is not None else None
            if details is not None:
                revealed[entry.agent_id] = details
        return revealed

    async def forget(self, cohort_id: UUID, agent_id: UUID) -> bool:
        """Delete the agent's key and rewrite the table so that no dead row keeps it.

        Always rewrites, even when the key was already gone: a forgetting interrupted
        between its DELETE and its VACUUM is completed by the retry. Returns whether a key
        was deleted now."""
        status = await self._pool.execute("DELETE FROM agent_keys WHERE cohort_id = $1 AND agent_id = $2",
                                          cohort_id, agent_id)
        async with self._pool.acquire() as conn:  # VACUUM cannot run inside a transaction
            await conn.execute("VACUUM (FULL) agent_keys")
        return status != "DELETE 0"
