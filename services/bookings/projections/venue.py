"""The venue read model: spaces, space-days (version, closure), bookings and quotas, one row each.

Declared once (shared.projections.readmodel): the kit applies it live in batches and rebuilds
it by folding in memory, from these functions alone. The calendar, the free-slot search and
the bookings of an organisation with its hours used in a month are queries over these rows
(application/queries.py), not more tables.
"""
from __future__ import annotations

from shared.contracts.bookings import (
    BookingCancelled,
    BookingStatus,
    MonthlyQuotaSet,
    OpeningWindow,
    SpaceBooked,
    SpaceDayClosed,
    SpaceDayEvent,
    SpaceDayReopened,
    SpaceRegistered,
    SpaceUpdated,
    bookings_registry,
)
from shared.projections import EventMeta, ReadModel, Row, Table, sql
from shared.settings import events_topic

spaces = Table("spaces", key="space_id")
space_days = Table("space_days", key=("space_id", "day"))
bookings = Table("bookings", key="booking_id")
organisations = Table("organisations", key="organisation_id")


def opening_hours_json(windows: tuple[OpeningWindow, ...]) -> list[dict]:
    # isodow beside the name: SQL matches it with extract(isodow FROM day).
    return [{"weekday": w.weekday.value, "isodow": w.weekday.iso, "opens": f"{w.opens:%H:%M}",
             "closes": f"{w.closes:%H:%M}"} for w in windows]


@spaces.on(SpaceRegistered)
def space_registered(row: Row | None, e: SpaceRegistered, meta: EventMeta) -> Row | None:
    if row is not None:
        return row  # registered twice (a replayed history): the first registration stands
    return {"space_id": e.space_id, "name": e.name, "capacity": e.capacity,
            "opening_hours": opening_hours_json(e.opening_hours), "min_length_minutes": e.min_length_minutes,
            "max_length_minutes": e.max_length_minutes, "version": meta.version, "position": meta.position}


@spaces.on(SpaceUpdated)
def space_updated(row: Row | None, e: SpaceUpdated, meta: EventMeta) -> Row | None:
    if row is None:
        return None
    changes = {f: getattr(e, f) for f in ("capacity", "min_length_minutes", "max_length_minutes")
               if getattr(e, f) is not None}
    if e.opening_hours is not None:
        changes["opening_hours"] = opening_hours_json(e.opening_hours)
    return {**row, **changes, "version": meta.version, "position": meta.position}


@space_days.on(SpaceBooked, BookingCancelled, SpaceDayClosed, SpaceDayReopened)
def day_changed(row: Row | None, e: SpaceDayEvent, meta: EventMeta) -> Row | None:
    closed_reason = row["closed_reason"] if row is not None else None
    if isinstance(e, SpaceDayClosed):
        closed_reason = e.reason
    elif isinstance(e, SpaceDayReopened):
        closed_reason = None
    return {"space_id": e.space_id, "day": e.day, "closed_reason": closed_reason, "version": meta.version,
            "position": meta.position}


@bookings.on(SpaceBooked)
def booked(row: Row | None, e: SpaceBooked, meta: EventMeta) -> Row | None:
    if row is not None:
        return row
    minutes = int((e.ends_at - e.starts_at).total_seconds()) // 60
    return {"booking_id": e.booking_id, "space_id": e.space_id, "day": e.day, "organisation_id": e.organisation_id,
            "title": e.title, "attendance": e.attendance, "starts_at": e.starts_at, "ends_at": e.ends_at,
            "minutes": minutes, "status": BookingStatus.BOOKED.value, "cancel_reason": None,
            "position": meta.position}


@bookings.on(BookingCancelled)
def cancelled(row: Row | None, e: BookingCancelled, meta: EventMeta) -> Row | None:
    return row and {**row, "status": BookingStatus.CANCELLED.value, "cancel_reason": e.reason,
                    "position": meta.position}


@organisations.on(MonthlyQuotaSet)
def quota_set(row: Row | None, e: MonthlyQuotaSet, meta: EventMeta) -> Row | None:
    return {"organisation_id": e.organisation_id, "monthly_quota_hours": e.hours, "version": meta.version,
            "position": meta.position}


VENUE = ReadModel(
    name="venue",
    ddl=sql("001_venue.sql", __file__),
    sources={events_topic("bookings"): bookings_registry()},
    tables=(spaces, space_days, bookings, organisations),
)
