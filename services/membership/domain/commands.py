"""Commands the membership decider accepts: pydantic models built from field-rule types.

Building one validates every field at once (pydantic reports each bad field at its path), so
the decider only ever sees well-formed input and checks the rules that need the state.
Business dates come in as fields: the domain has no clock.
"""
from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from shared.contracts.membership import MemberKind, Scheme
from shared.domain.fields import BusinessDate, Command, Reason, Year, enum_text
from services.membership.domain.fields import Contacts, OrganisationName, Siren, Territory

SchemeField = enum_text(Scheme)
KindField = enum_text(MemberKind)


class AdmitMember(Command):
    effective = "admitted_on"

    scheme: SchemeField
    kind: KindField
    name: OrganisationName
    admitted_on: BusinessDate
    siren: Siren = None
    territory: Territory = ""
    contacts: Contacts = ()
    dues_paid_until: Year | None = None  # None: the admission year's dues are paid

    @field_validator("dues_paid_until")
    @classmethod
    def _not_long_before_admission(cls, value: int | None, info: ValidationInfo) -> int | None:
        admitted_on: date | None = info.data.get("admitted_on")  # absent when it was bad itself
        if value is not None and admitted_on is not None and value < admitted_on.year - 1:
            raise PydanticCustomError("dues_too_old", "must be at least the year before admission")
        return value


class UpdateMemberProfile(Command):
    """``None`` leaves a field as it is; ``territory=""`` / ``contacts=()`` clear it."""

    member_id: UUID
    kind: KindField | None = None
    name: OrganisationName | None = None
    siren: Siren = None  # only accepted when it leaves the identity key unchanged
    territory: Territory | None = None
    contacts: Contacts | None = None


class SuspendMember(Command):
    effective = "on"

    member_id: UUID
    reason: Reason
    on: BusinessDate


class ReinstateMember(Command):
    effective = "on"

    member_id: UUID
    on: BusinessDate


class RenewDues(Command):
    member_id: UUID
    year: Year


class LeaveMember(Command):
    effective = "on"

    member_id: UUID
    reason: Reason
    on: BusinessDate


MemberCommand = (
    AdmitMember | UpdateMemberProfile | SuspendMember | ReinstateMember | RenewDues | LeaveMember
)
