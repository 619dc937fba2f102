"""JSON encoding of envelopes for Kafka: key = stream id, headers carry routing facts.

Headers let a consumer route or drop a message without parsing its value; the value is
the complete envelope so a topic is self-describing history.
"""
from __future__ import annotations

from pydantic import ValidationError

from shared.events.envelope import Envelope
from shared.events.registry import EventDecodeError

Headers = list[tuple[str, bytes]]


def encode_value(envelope: Envelope) -> bytes:
    return envelope.model_dump_json().encode()


def headers_for(envelope: Envelope) -> Headers:
    headers: Headers = [
        ("type", envelope.type.encode()),
        ("schema_version", str(envelope.schema_version).encode()),
        ("event_id", str(envelope.event_id).encode()),
    ]
    if envelope.correlation_id:
        headers.append(("correlation_id", envelope.correlation_id.encode()))
    return headers


def to_kafka(envelope: Envelope) -> tuple[bytes, bytes, Headers]:
    """(key, value, headers) for one envelope."""
    return envelope.stream_id.encode(), encode_value(envelope), headers_for(envelope)


def decode_value(value: bytes | None) -> Envelope:
    """Parse a Kafka value into an envelope; raises EventDecodeError on anything malformed."""
    if value is None:
        raise EventDecodeError("empty message value")
    try:
        return Envelope.model_validate_json(value)
    except (ValidationError, ValueError) as exc:
        raise EventDecodeError(f"undecodable envelope: {exc}") from exc


def header(headers: Headers | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode(errors="replace") if value is not None else None
    return None

