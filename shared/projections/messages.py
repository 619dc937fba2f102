"""A consumed Kafka record, independent of the client that fetched it (faust or aiokafka)."""
from __future__ import annotations

from dataclasses import dataclass

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Incoming:
    topic: str
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    def header(self, name: str) -> bytes | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None
