"""Consistency tokens: what a command wrote, so a later query can read its own writes.

The token is opaque to clients; inside it is the global position of the last event the
command stored (or of the stream's last event when the command changed nothing).
"""
from __future__ import annotations

from shared.domain.errors import InvalidArgument

_PREFIX = "p"


def encode_token(position: int) -> str:
    return f"{_PREFIX}{position}"


def decode_token(token: str, field: str = "consistency_token") -> int | None:
    """None for an empty token (no wait); InvalidArgument for anything not issued by us."""
    if not token:
        return None
    if not token.startswith(_PREFIX) or not token[1:].isdigit() or len(token) > 20:
        raise InvalidArgument.of(field, "not a consistency token issued by this service")
    return int(token[1:])
