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


async def begin_with_search_path(conn: asyncpg.Connection, schema: str) -> None:
    """BEGIN and a transaction-local search_path in one round trip (simple query protocol).

    The caller ends the transaction itself (COMMIT / ROLLBACK): asyncpg's transaction()
    would send BEGIN on its own."""
    await conn.execute(f"BEGIN; SET LOCAL search_path TO {quoted(schema)}")


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings is on since Postgres 9.1)."""
    if "\0" in text:
        raise ValueError("NUL in a SQL literal")
    return "'" + text.replace("'", "''") + "'"


async def save_checkpoints_and_commit(conn: asyncpg.Connection, schema: str, positions: Mapping[str, int],
                                      notify: str) -> None:
    """Upsert the checkpoints, ``pg_notify(notify, schema)`` (delivered on commit) and COMMIT,
    in one round trip: the values are inlined as literals so all go as one simple query (if
    the first statement fails, COMMIT is not run and the transaction stays open, aborted, for
    the caller to roll back). A data-modifying WITH runs once whether or not it is read."""
    if not positions:
        await conn.execute("COMMIT")
        return
    sources = ", ".join(literal(source) for source in positions)
    values = ", ".join(str(int(position)) for position in positions.values())
    upsert = UPSERT.format(table=f"{quoted(schema)}.checkpoint").replace(
        "$1::text[]", f"ARRAY[{sources}]::text[]").replace("$2::bigint[]", f"ARRAY[{values}]::bigint[]")
    await conn.execute(f"WITH saved AS ({upsert}) SELECT pg_notify({literal(notify)}, {literal(schema)}); COMMIT")


async def load_checkpoints(conn: asyncpg.Connection, schema: str, lock: bool = False) -> dict[str, int]:
    rows = await conn.fetch(
        f"SELECT source, position FROM {quoted(schema)}.checkpoint" + (" FOR UPDATE" if lock else "")
    )
    return {row["source"]: row["position"] for row in rows}


UPSERT = """INSERT INTO {table} (source, position)
            SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (source) DO UPDATE SET position = EXCLUDED.position"""


async def save_checkpoints(conn: asyncpg.Connection, schema: str, positions: Mapping[str, int]) -> None:
    """Upsert the checkpoints (the live runner uses save_checkpoints_and_commit)."""
    if not positions:
        return
    await conn.execute(UPSERT.format(table=f"{quoted(schema)}.checkpoint"), list(positions), list(positions.values()))


async def schema_exists(conn: asyncpg.Connection, schema: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema))
