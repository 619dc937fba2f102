"""Commands the membership decider accepts.

Plain frozen dataclasses with loose field types on purpose: they carry what the caller sent
(e.g. a kind string from a proto), and ``validation`` turns it into domain values, reporting
every bad field at once instead of failing on the first at construction time.
Business dates come in as fields: the domain has no clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.contracts.membership import Contact, MemberKind, Scheme


@dataclass(frozen=True)
class AdmitMember:
    scheme: Scheme | str
    kind: MemberKind | str
    name: str
    admitted_on: date
    siren: str | None = None
    territory: str = ""
    contacts: tuple[Contact, ...] = ()
    dues_paid_until: int | None = None  # None: the admission year's dues are paid


@dataclass(frozen=True)
class UpdateMemberProfile:
    """``None`` leaves a field as it is; ``territory=""`` / ``contacts=()`` clear it."""

    member_id: UUID
    kind: MemberKind | str | None = None
    name: str | None = None
    siren: str | None = None  # only accepted when it leaves the identity key unchanged
    territory: str | None = None
    contacts: tuple[Contact, ...] | None = None


@dataclass(frozen=True)
class SuspendMember:
    member_id: UUID
    reason: str
    on: date


@dataclass(frozen=True)
class ReinstateMember:
    member_id: UUID
    on: date


@dataclass(frozen=True)
class RenewDues:
    member_id: UUID
    year: int


@dataclass(frozen=True)
class LeaveMember:
    member_id: UUID
    reason: str
    on: date


MemberCommand = (
    AdmitMember | UpdateMemberProfile | SuspendMember | ReinstateMember | RenewDues | LeaveMember
)
