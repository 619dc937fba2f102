"""Date arithmetic the cohort rules need (pure, no clock)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

SPRINT_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(start: date, months: int | None, days: int | None) -> date:
    """The last planned day of a cohort starting ``start`` and lasting ``months`` or ``days``."""
    if months is not None:
        return add_months(start, months) - timedelta(days=1)
    return start + timedelta(days=(days or 1) - 1)


def sprint_end(starts_on: date) -> date:
    """A sprint is one week: its last day is six days after its first."""
    return starts_on + timedelta(days=SPRINT_DAYS - 1)
