"""Which events an export keeps: positions, recording time, types, streams."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.events.envelope import Envelope


def parse_instant(text: str) -> datetime:
    """ISO 8601; a naive value is taken as UTC (``2024-05-01`` = its midnight UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class EventFilter:
    from_position: int | None = None  # inclusive
    to_position: int | None = None  # inclusive
    since: datetime | None = None  # recorded_at >= since
    until: datetime | None = None  # recorded_at < until
    types: tuple[str, ...] = ()  # full ("membership.MemberLeft") or short ("MemberLeft") names
    streams: tuple[str, ...] = ()

    def where(self, first_parameter: int = 1) -> tuple[str, list[Any]]:
        """SQL conditions over ``events`` (never empty: ``TRUE``) and their arguments."""
        clauses: list[str] = []
        args: list[Any] = []

        def add(sql: str, value: Any) -> None:
            args.append(value)
            clauses.append(sql.replace("$?", f"${first_parameter + len(args) - 1}"))

        if self.from_position is not None:
            add("position >= $?", self.from_position)
        if self.to_position is not None:
            add("position <= $?", self.to_position)
        if self.since is not None:
            add("recorded_at >= $?", self.since)
        if self.until is not None:
            add("recorded_at < $?", self.until)
        if self.types:
            add("(type = ANY($?::text[]) OR substring(type from '[^.]*$') = ANY($?::text[]))", list(self.types))
        if self.streams:
            add("stream_id = ANY($?::text[])", list(self.streams))
        return " AND ".join(clauses) or "TRUE", args

    def matches(self, envelope: Envelope) -> bool:
        """The same conditions in Python (topic exports)."""
        if self.from_position is not None and envelope.position < self.from_position:
            return False
        if self.to_position is not None and envelope.position > self.to_position:
            return False
        if self.since is not None and envelope.recorded_at < self.since:
            return False
        if self.until is not None and envelope.recorded_at >= self.until:
            return False
        if self.types and envelope.type not in self.types and envelope.type.rsplit(".", 1)[-1] not in self.types:
            return False
        if self.streams and envelope.stream_id not in self.streams:
            return False
        return True
