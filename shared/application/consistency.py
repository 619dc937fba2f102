"""Consistency tokens: what a client has written, anywhere in lab27, so that it reads its writes.

A token names positions in topics: ``lab27.membership.events:12`` says "the write at position
12 of membership's history". A token may name several topics, comma-separated and sorted:
``lab27.cohorts.events:40,lab27.membership.events:12``. Any service honours any token:

- a query waits (bounded) until the read model it reads has applied every position the token
  names in a topic that read model consumes, directly or through a reaction (see
  shared.projections.consistency);
- a command waits until the local views it decides with have applied the token's positions in
  their topics (cohorts waits for its view of membership to hold the member admitted a moment
  ago), and its reply's token is the one it was given, merged with its own write.

So a client passes on the last token it received and reads its own writes across services.
Positions in topics a service does not consume are carried along, never waited for.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from shared.domain.errors import InvalidArgument

Positions = Mapping[str, int]  # topic -> position

MAX_TOKEN_LENGTH = 1000
MAX_TOPICS = 16
_ENTRY = re.compile(r"(lab27\.[a-z][a-z0-9_]{0,40}\.events):([0-9]{1,18})")


def encode_token(positions: Positions) -> str:
    return ",".join(f"{topic}:{position}" for topic, position in sorted(positions.items()) if position > 0)


def decode_token(token: str, field: str = "consistency_token") -> dict[str, int]:
    """Topic -> position; empty for an empty token (no wait); InvalidArgument for anything else."""
    if not token:
        return {}
    refused = InvalidArgument.of(field, "not a consistency token issued by lab27 (topic:position, ...)")
    if len(token) > MAX_TOKEN_LENGTH:
        raise refused
    positions: dict[str, int] = {}
    entries = token.split(",")
    if len(entries) > MAX_TOPICS:
        raise refused
    for entry in entries:
        match = _ENTRY.fullmatch(entry.strip())
        if match is None:
            raise refused
        topic, position = match.group(1), int(match.group(2))
        positions[topic] = max(position, positions.get(topic, 0))
    return positions


def merged(*tokens: Positions) -> dict[str, int]:
    """The positions of every token, the furthest of each topic."""
    out: dict[str, int] = {}
    for positions in tokens:
        for topic, position in positions.items():
            if position > out.get(topic, 0):
                out[topic] = position
    return out
