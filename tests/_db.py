"""Throw-away databases on the session's Postgres (admin DSN, create, drop), and a test's own
look at a database: fetch and execute on a connection of their own, never the service's API."""
from __future__ import annotations

import asyncpg

from shared.db import with_database
from shared.stack.stack import Stack


def admin_dsn(stack: Stack) -> str:
    """The DSN of the stack's ``postgres`` database, to create and drop others from."""
    return with_database(stack.postgres_dsn("membership"), "postgres")


def database_dsn(admin: str, name: str) -> str:
    """``admin`` pointed at database ``name`` instead."""
    return with_database(admin, name)


async def create_database(admin: str, name: str) -> None:
    await execute(admin, f'CREATE DATABASE "{name}"')


async def drop_database(admin: str, name: str) -> None:
    await execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def fetch(dsn: str, sql: str, *args) -> list[dict]:
    """The query's rows as dicts (fault injection's proof reads the database directly)."""
    conn = await asyncpg.connect(dsn)
    try:
        return [dict(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()
