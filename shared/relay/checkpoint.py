"""The relay's checkpoint: the last position the broker has acknowledged, per topic."""
from __future__ import annotations

import asyncpg

DDL = """
CREATE TABLE IF NOT EXISTS relay_checkpoint (
    topic    text PRIMARY KEY,
    position bigint NOT NULL
)
"""


async def install(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def load(conn: asyncpg.Connection, topic: str) -> int:
    position = await conn.fetchval("SELECT position FROM relay_checkpoint WHERE topic = $1", topic)
    return position or 0


async def save(conn: asyncpg.Connection, topic: str, position: int) -> None:
    await conn.execute(
        """INSERT INTO relay_checkpoint (topic, position) VALUES ($1, $2)
           ON CONFLICT (topic) DO UPDATE SET position = EXCLUDED.position""",
        topic, position,
    )
