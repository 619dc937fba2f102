"""Business time: when an event happened for the programme, as opposed to when it was stored.

An envelope's ``occurred_at`` is the instant the command names (its effective date), and
``recorded_at`` is when the store committed it: an admission dated 15 January 2018 and loaded
today occurred on 15 January 2018. A date means the start of that day in Paris (La 27e Région
and its members are French); a command that names no date, or names today, occurred when it
was recorded.
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PROGRAMME_TIME_ZONE = ZoneInfo("Europe/Paris")


def occurred_at(command: object, now: datetime) -> datetime:
    """The business instant of ``command`` (``now``: the recording time, timezone-aware)."""
    named = command.effective_time() if hasattr(command, "effective_time") else None
    if isinstance(named, datetime):
        return named if named.tzinfo else named.replace(tzinfo=PROGRAMME_TIME_ZONE)
    if isinstance(named, date) and named != now.astimezone(PROGRAMME_TIME_ZONE).date():
        return datetime.combine(named, time(0), PROGRAMME_TIME_ZONE)
    return now
