"""Membership's public events: the only membership module other services may import.

Every event carries ``member_id`` (the stream id) and ``scheme``, so a consumer can react to
one event without having folded the member's history (e.g. bookings cancels on
``MemberLeft`` with ``scheme == halles_civiques``).

Identity key and member id
--------------------------
An organisation is identified, within a scheme, by its *identity key*:

* ``"siren:<9 digits>"`` when its SIREN number is known (9 digits, Luhn-valid);
* else ``"name:<normalised name>"``, the name NFKD-decomposed, accents stripped, casefolded,
  every run of non-alphanumerics collapsed to one space, then stripped
  (``"Métropole  de-Lille"`` -> ``"name:metropole de lille"``).

The prefix keeps a name made of nine digits from colliding with a SIREN.

``member_id = uuid5(MEMBER_ID_NAMESPACE, f"{scheme}:{identity_key}")``: deterministic, so two
racing admissions of the same organisation in the same scheme target the same stream and the
event store's ``UNIQUE(stream_id, version)`` lets exactly one of them win. The same
organisation in the two schemes has two member ids (two memberships).

Consequence: the identity key of a member never changes (the membership decider refuses it);
an organisation admitted by name that later wants to be known by its SIREN must leave and be
admitted anew. Changing ``MEMBER_ID_NAMESPACE`` or the normalisation would orphan every
stored stream: both are part of this contract.

Schema history
--------------
``MemberAdmitted`` v1 had one optional ``contact_email`` string; v2 has a ``contacts`` list.
Registries built by :func:`membership_registry` upcast v1 on read.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

STREAM_TYPE = "membership.Member"
MEMBER_ID_NAMESPACE = uuid.UUID("6f1c2a0e-27e0-5b1a-9c3d-2f7e27e27e27")


class Scheme(str, Enum):
    ASSOCIATION = "association"
    HALLES_CIVIQUES = "halles_civiques"


class MemberKind(str, Enum):
    REGION = "region"
    DEPARTEMENT = "departement"
    METROPOLE = "metropole"
    COMMUNAUTE_URBAINE = "communaute_urbaine"
    AGGLOMERATION = "agglomeration"
    COMMUNE = "commune"
    STATE_SERVICE = "state_service"
    ASSOCIATION = "association"


class MemberStatus(str, Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class Contact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    email: str
    name: str | None = None
    role: str | None = None


# --- identity -------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", no_accents.casefold()).strip()


def identity_key(name: str, siren: str | None) -> str:
    """The key of an organisation within a scheme (inputs assumed already validated)."""
    return f"siren:{siren}" if siren else f"name:{normalise_name(name)}"


def member_id_for(scheme: Scheme, key: str) -> uuid.UUID:
    return uuid.uuid5(MEMBER_ID_NAMESPACE, f"{Scheme(scheme).value}:{key}")


# --- events ---------------------------------------------------------------------------


class MemberEvent(DomainEvent):
    member_id: uuid.UUID
    scheme: Scheme


class MemberAdmitted(MemberEvent):
    event_type: ClassVar[str] = "membership.MemberAdmitted"
    schema_version: ClassVar[int] = 2

    kind: MemberKind
    name: str
    siren: str | None
    identity_key: str
    territory: str  # "" when unknown
    contacts: tuple[Contact, ...]
    admitted_on: date
    dues_paid_until: int  # last year whose dues are paid


class MemberProfileUpdated(MemberEvent):
    """Only the fields that changed are set; ``None`` means unchanged."""

    event_type: ClassVar[str] = "membership.MemberProfileUpdated"

    kind: MemberKind | None = None
    name: str | None = None
    territory: str | None = None
    contacts: tuple[Contact, ...] | None = None


class MemberSuspended(MemberEvent):
    event_type: ClassVar[str] = "membership.MemberSuspended"

    reason: str
    on: date


class MemberReinstated(MemberEvent):
    event_type: ClassVar[str] = "membership.MemberReinstated"

    on: date


class DuesRenewed(MemberEvent):
    event_type: ClassVar[str] = "membership.DuesRenewed"

    year: int
    paid_until: int


class MemberLeft(MemberEvent):
    """Terminal: nothing happens to this member id afterwards."""

    event_type: ClassVar[str] = "membership.MemberLeft"

    reason: str
    on: date


MEMBERSHIP_EVENTS: tuple[type[MemberEvent], ...] = (
    MemberAdmitted,
    MemberProfileUpdated,
    MemberSuspended,
    MemberReinstated,
    DuesRenewed,
    MemberLeft,
)


def _member_admitted_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    upgraded = {k: v for k, v in data.items() if k != "contact_email"}
    email = data.get("contact_email")
    upgraded["contacts"] = [{"email": email}] if email else []
    return upgraded


def membership_registry() -> EventRegistry:
    """A fresh registry of every membership event, with its upcasters."""
    registry = EventRegistry(MEMBERSHIP_EVENTS)
    registry.upcaster(MemberAdmitted.event_type, 1)(_member_admitted_v1_to_v2)
    return registry
