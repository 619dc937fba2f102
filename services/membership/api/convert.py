"""proto <-> domain values for membership. Enum names are the domain values, prefixed."""
from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from shared.contracts.membership import Contact, MemberKind, MemberStatus, Scheme
from shared.domain.errors import InvalidArgument


def filter_value(enum_type, value: int, domain_type, prefix: str, field: str):
    """A proto enum number as a query filter: *_UNSPECIFIED is no filter (None); an unknown
    number is refused."""
    if value not in enum_type.values():
        raise InvalidArgument.of(field, f"must be one of {', '.join(m.value for m in domain_type)}")
    name = enum_type.Name(value)
    return None if name.endswith("_UNSPECIFIED") else domain_type(name.removeprefix(prefix).lower())


def enum_text(enum_type, value: int, prefix: str) -> str:
    """The domain spelling of a proto enum number, left for the domain to validate.

    Commands hand it to the decider as text, so an unknown or unspecified value is reported
    together with every other bad field instead of failing first on its own.
    """
    name = enum_type.Name(value) if value in enum_type.values() else str(value)
    return name.removeprefix(prefix).lower()


def scheme_filter(value: int) -> Scheme | None:
    return filter_value(pb.Scheme, value, Scheme, "SCHEME_", "scheme")


def kind_filter(value: int) -> MemberKind | None:
    return filter_value(pb.Kind, value, MemberKind, "KIND_", "kind")


def status_filter(value: int) -> MemberStatus | None:
    return filter_value(pb.Status, value, MemberStatus, "STATUS_", "status")


def to_enum(enum_type, prefix: str, value: str) -> int:
    return enum_type.Value(prefix + value.upper())


def member_id(value: str, field: str = "member_id") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidArgument.of(field, "must be a member id (a UUID)") from None


def business_date(value: common_pb2.Date, today: date, field: str = "effective_date") -> date:
    """An unset date is today; a set one must be a real calendar date."""
    if not (value.year or value.month or value.day):
        return today
    try:
        return date(value.year, value.month, value.day)
    except ValueError as exc:
        raise InvalidArgument.of(field, f"not a calendar date: {exc}") from None


def to_date(value: date | None) -> common_pb2.Date | None:
    return common_pb2.Date(year=value.year, month=value.month, day=value.day) if value else None


def contacts(values) -> tuple[Contact, ...]:
    # Field-level validation (email format, lengths) is the domain's job, with field paths.
    return tuple(Contact(email=c.email, name=c.name or None, role=c.role or None) for c in values)


def member_to_proto(row: asyncpg.Record) -> pb.Member:
    return pb.Member(
        member_id=str(row["member_id"]),
        scheme=to_enum(pb.Scheme, "SCHEME_", row["scheme"]),
        kind=to_enum(pb.Kind, "KIND_", row["kind"]),
        name=row["name"],
        siren=row["siren"],
        territory=row["territory"],
        contacts=[pb.Contact(email=c["email"], name=c.get("name") or "", role=c.get("role") or "")
                  for c in row["contacts"]],
        status=to_enum(pb.Status, "STATUS_", row["status"]),
        dues_paid_until=row["dues_paid_until"],
        version=row["version"],
        admitted_on=to_date(row["admitted_on"]),
        left_on=to_date(row["left_on"]),
        status_reason=row["status_reason"] or "",
    )
