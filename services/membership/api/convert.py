"""proto <-> domain values for membership; the general conversions are shared.grpc.api's."""
from __future__ import annotations

import asyncpg

from lab27.membership.v1 import membership_pb2 as pb
from shared.grpc.api import date_proto, enum_value


def contacts(values) -> tuple[dict, ...]:
    # Each field is checked by the command's Contacts type, at its path (contacts[2].email).
    return tuple({"email": c.email, "name": c.name or None, "role": c.role or None} for c in values)


def member_to_proto(row: asyncpg.Record) -> pb.Member:
    return pb.Member(
        member_id=str(row["member_id"]),
        scheme=enum_value(pb.Scheme, row["scheme"]),
        kind=enum_value(pb.Kind, row["kind"]),
        name=row["name"],
        siren=row["siren"],
        territory=row["territory"],
        contacts=[pb.Contact(email=c["email"], name=c.get("name") or "", role=c.get("role") or "")
                  for c in row["contacts"]],
        status=enum_value(pb.Status, row["status"]),
        dues_paid_until=row["dues_paid_until"],
        version=row["version"],
        admitted_on=date_proto(row["admitted_on"]),
        left_on=date_proto(row["left_on"]),
        status_reason=row["status_reason"] or "",
    )
