"""Throw-away databases on the session's Postgres: admin DSN, create, drop."""
from __future__ import annotations

import asyncpg

from shared.stack.stack import Stack


def admin_dsn(stack: Stack) -> str:
    """The DSN of the stack's ``postgres`` database, to create and drop others from."""
    return stack.postgres_dsn("membership").rsplit("/", 1)[0] + "/postgres"


def database_dsn(admin: str, name: str) -> str:
    """``admin`` pointed at database ``name`` instead."""
    return admin.rsplit("/", 1)[0] + f"/{name}"


async def create_database(admin: str, name: str) -> None:
    await _execute(admin, f'CREATE DATABASE "{name}"')


async def drop_database(admin: str, name: str) -> None:
    await _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
