"""A Postgres and a broker for one benchmark run.

bench_database(): POSTGRES_DSN's server (a throw-away database in it), or an embedded server
whose data lives under .lab27/bench-<pid> and is removed at the end. bench_broker():
KAFKA_BOOTSTRAP_SERVERS, or an embedded broker under .lab27/bench-<pid>-broker: tansu, or
Apache Kafka (shared.stack.kafka) with BENCH_BROKER=kafka. BENCH_BROKER=tansu,kafka makes
the benches that compare brokers (grpc_admissions, read_your_writes_lag, idle_cpu) run each
scenario on both, in the same run."""
from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from shared.db import with_database

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Database:
    dsn: str
    roots: tuple[int, ...] = ()  # the embedded server's postmaster pid; none for POSTGRES_DSN's


@contextlib.asynccontextmanager
async def bench_postgres() -> AsyncIterator[Database]:
    """A new empty database, dropped (or its server destroyed) afterwards."""
    external = os.environ.get("POSTGRES_DSN")
    server = None
    roots: tuple[int, ...] = ()
    if external:
        admin_dsn = external
    else:
        from shared.stack.postgres import EmbeddedPostgres  # the embedded extra is optional

        server = EmbeddedPostgres(ROOT / ".lab27" / f"bench-{os.getpid()}").start()
        admin_dsn = server.dsn("postgres")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        if server is not None and (pid := server.postmaster_pid()) is not None:
            roots = (pid,)
        await _admin(admin_dsn, f'CREATE DATABASE "{name}"')
        yield Database(with_database(admin_dsn, name), roots)
    finally:
        if server is not None:
            server.destroy()
        else:
            await _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """Yields the DSN of a new empty database (see bench_postgres)."""
    async with bench_postgres() as db:
        yield db.dsn


def bench_brokers() -> list[str]:
    """The brokers BENCH_BROKER names (comma-separated), default tansu."""
    from shared.stack.stack import BROKER_KINDS

    kinds = [k for k in os.environ.get("BENCH_BROKER", "tansu").split(",") if k] or ["tansu"]
    unknown = set(kinds) - set(BROKER_KINDS)
    if unknown:
        raise SystemExit(f"BENCH_BROKER: unknown {sorted(unknown)}; one of {', '.join(BROKER_KINDS)}")
    return kinds


@contextlib.asynccontextmanager
async def bench_broker(kind: str | None = None) -> AsyncIterator[str]:
    """Yields the bootstrap servers of KAFKA_BOOTSTRAP_SERVERS or of an embedded broker of
    ``kind`` (default: the first of BENCH_BROKER)."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    from shared.stack.stack import embedded_broker

    folder = ROOT / ".lab27" / f"bench-{os.getpid()}-broker-{uuid.uuid4().hex[:6]}"
    broker = await asyncio.to_thread(embedded_broker(kind or bench_brokers()[0], folder).start)
    try:
        yield broker.bootstrap_servers
    finally:
        await asyncio.to_thread(broker.stop)
        shutil.rmtree(folder, ignore_errors=True)


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
