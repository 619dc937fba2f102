"""A Postgres for one benchmark run: POSTGRES_DSN's server (a throw-away database in it),
or an embedded server whose data lives under .lab27/bench-<pid> and is removed at the end."""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """Yields the DSN of a new empty database, dropped (or its server destroyed) afterwards."""
    external = os.environ.get("POSTGRES_DSN")
    server = None
    if external:
        admin_dsn = external
    else:
        from shared.stack.postgres import EmbeddedPostgres  # the embedded extra is optional

        server = EmbeddedPostgres(ROOT / ".lab27" / f"bench-{os.getpid()}").start()
        admin_dsn = server.dsn("postgres")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        await _admin(admin_dsn, f'CREATE DATABASE "{name}"')
        yield admin_dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if server is not None:
            server.destroy()
        else:
            await _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
