"""The event store's tables, and the advisory lock that makes positions commit-ordered."""
from __future__ import annotations

from contextlib import nullcontext

import asyncpg

# Every append transaction takes this transaction-scoped advisory lock BEFORE drawing
# positions. Positions are then drawn only after every lower one has committed or rolled
# back, so a reader tailing "position > last_seen" can never skip a late commit.
APPEND_LOCK_KEY = 0x6C61_6232_3765_7673  # "lab27evs"
# Serialises concurrent migrations (CREATE ... IF NOT EXISTS races on the catalog).
MIGRATE_LOCK_KEY = APPEND_LOCK_KEY + 1
POSITION_SEQUENCE = "events_position_seq"
NOTIFY_CHANNEL = "lab27_events"

DDL = f"""
CREATE SEQUENCE IF NOT EXISTS {POSITION_SEQUENCE} AS bigint;

CREATE TABLE IF NOT EXISTS events (
    position        bigint PRIMARY KEY,
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_type     text NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    type            text NOT NULL,
    schema_version  integer NOT NULL DEFAULT 1,
    data            jsonb NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    correlation_id  text,
    causation_id    text,
    request_id      text,
    UNIQUE (stream_id, version)
);

CREATE TABLE IF NOT EXISTS requests (
    request_id   text PRIMARY KEY,
    stream_id    text NOT NULL,
    version      integer NOT NULL,
    position     bigint NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS snapshots (
    stream_id  text PRIMARY KEY,
    version    integer NOT NULL,
    state      jsonb NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now()
);
"""


async def setup_schema(pool: asyncpg.Pool | asyncpg.Connection) -> None:
    """Create the event store tables if missing; safe to run concurrently and repeatedly."""
    async with pool.acquire() if isinstance(pool, asyncpg.Pool) else nullcontext(pool) as conn:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATE_LOCK_KEY)
            await conn.execute(DDL)

