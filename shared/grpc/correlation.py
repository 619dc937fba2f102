"""Correlation ids: one per gRPC call, taken from ``x-correlation-id`` metadata or made up.

The id is bound in a ContextVar (for the application layer to stamp on the events it
appends) and in structlog's context (so every log line of the call carries it), and is
echoed to the client in trailing metadata, which exists on successes and failures alike.
"""
from __future__ import annotations

import uuid
from contextvars import ContextVar

import grpc

CORRELATION_ID_KEY = "x-correlation-id"
_MAX_LENGTH = 128  # a client-supplied id is echoed and logged: keep it bounded

_correlation_id: ContextVar[str | None] = ContextVar("lab27_correlation_id", default=None)


def current_correlation_id() -> str | None:
    """The correlation id of the gRPC call (or bound block) being served, if any."""
    return _correlation_id.get()


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def correlation_id_from_metadata(metadata: grpc.aio.Metadata | tuple | None) -> str:
    """The caller's id when it sent a usable one, else a fresh uuid4."""
    for key, value in metadata or ():
        if key == CORRELATION_ID_KEY and isinstance(value, str):
            value = value.strip()
            if value and len(value) <= _MAX_LENGTH and value.isprintable():
                return value
    return new_correlation_id()
