"""asyncpg pool creation: one place that sets up the connection codecs.

jsonb values come back as Python objects (json.loads) and are sent from Python objects
(json.dumps), so callers never handle JSON text themselves.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from asyncpg.exceptions._base import DataError as ClientDataError
from asyncpg.exceptions._base import InternalClientError


class NoResetConnection(asyncpg.Connection):
    """Released to the pool without asyncpg's reset query (advisory unlock, CLOSE ALL,
    UNLISTEN, RESET ALL): one round trip per acquire saved, ~5% of an admission's CPU.

    Safe because no code leaves session state on a pooled connection: locks are
    pg_advisory_xact_lock, search_path is set with set_config(..., true) (transaction
    local), LISTEN uses dedicated connections, cursors live in transactions. An open
    transaction is still rolled back on release (asyncpg does that whatever this returns).
    """

    def get_reset_query(self) -> str:
        return ""


async def init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def with_database(dsn: str, database: str) -> str:
    """``dsn`` naming ``database`` instead of its own (host, user and query string kept)."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_pool(dsn: str, min_size: int = 1, max_size: int = 10, **kwargs: Any) -> asyncpg.Pool:
    """A pool whose connections all carry the jsonb codec (``kwargs`` go to asyncpg)."""
    pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=init_connection,
                                     connection_class=NoResetConnection, **kwargs)
    assert pool is not None
    return pool


# The server is down, starting, shutting down or out of connections (SQLSTATE classes 08, 53,
# 57P0x): the same request may succeed later.
_UNAVAILABLE_STATES = ("08", "53", "57P01", "57P02", "57P03")
# A backend's FATAL sent between two operations (Postgres crashing or shutting down) leaves
# asyncpg's protocol consuming that error (its state 2, PROTOCOL_ERROR_CONSUME): the next
# operation on the connection raises this InternalClientError instead of the server's error
# (seen in the group-commit writer and the projections when Postgres was killed with -9).
_SERVER_ERROR_PENDING = "another operation (2) is in progress"


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot be reached now, not that the request is wrong."""
    if isinstance(exc, (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
        # asyncpg's own DataError (a value it cannot encode) is an InterfaceError too: a bad request.
        return not isinstance(exc, ClientDataError)
    if isinstance(exc, InternalClientError):
        return _SERVER_ERROR_PENDING in str(exc)
    state = getattr(exc, "sqlstate", None) or ""
    return isinstance(exc, asyncpg.PostgresError) and state.startswith(_UNAVAILABLE_STATES)
