"""A projection's Postgres schema: its tables plus ``checkpoint(source, position)``."""
from __future__ import annotations

from collections.abc import Mapping

import asyncpg

CHECKPOINT_DDL = """
CREATE TABLE IF NOT EXISTS checkpoint (
    source   text PRIMARY KEY,
    position bigint NOT NULL
)
"""


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def install(conn: asyncpg.Connection, schema: str, ddl: str) -> None:
    """Create the schema, the projection's tables (unqualified names) and the checkpoint table."""
    async with conn.transaction():
        # Serialise concurrent installs of the same schema (CREATE IF NOT EXISTS races).
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", schema)
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(schema)}")
        await set_local_search_path(conn, schema)
        await conn.execute(ddl)
        await conn.execute(CHECKPOINT_DDL)


async def set_local_search_path(conn: asyncpg.Connection, schema: str) -> None:
    # is_local = true: reverts at commit, so a pooled connection never leaks it.
    await conn.execute("SELECT set_config('search_path', $1, true)", quoted(schema))


async def load_checkpoints(conn: asyncpg.Connection, schema: str, lock: bool = False) -> dict[str, int]:
    rows = await conn.fetch(
        f"SELECT source, position FROM {quoted(schema)}.checkpoint" + (" FOR UPDATE" if lock else "")
    )
    return {row["source"]: row["position"] for row in rows}


async def save_checkpoints(conn: asyncpg.Connection, schema: str, positions: Mapping[str, int]) -> None:
    if not positions:
        return
    await conn.execute(
        f"""INSERT INTO {quoted(schema)}.checkpoint (source, position)
            SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position""",
        list(positions), list(positions.values()),
    )


async def schema_exists(conn: asyncpg.Connection, schema: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema))
