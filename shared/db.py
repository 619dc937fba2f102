"""asyncpg pool creation: one place that sets up the connection codecs.

jsonb values come back as Python objects (json.loads) and are sent from Python objects
(json.dumps), so callers never handle JSON text themselves.
"""
from __future__ import annotations

import json
from typing import Any

import asyncpg


async def init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(dsn: str, min_size: int = 1, max_size: int = 10, **kwargs: Any) -> asyncpg.Pool:
    """A pool whose connections all carry the jsonb codec (``kwargs`` go to asyncpg)."""
    pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=init_connection,
                                     **kwargs)
    assert pool is not None
    return pool


async def connect(dsn: str, **kwargs: Any) -> asyncpg.Connection:
    """A single connection with the same codecs as the pool's."""
    conn = await asyncpg.connect(dsn, **kwargs)
    await init_connection(conn)
    return conn
