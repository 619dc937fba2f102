"""Membership's own field rules, as types beside the kit's (shared.domain.fields).

An organisation's SIREN (9 digits, Luhn check digit) and its name, which must still hold a
letter or digit once normalised, since the normalised name is its identity key when it has
no SIREN (shared.contracts.membership).
"""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from shared.contracts.membership import Contact, normalise_name
from shared.domain.fields import Email, Name, bounded_list, text

TERRITORY_MAX = 200
CONTACTS_MAX = 20
CONTACT_NAME_MAX = 200
ROLE_MAX = 100
SIREN_INPUT_MAX = 20  # "217 500 016" with spaces; anything longer is not a SIREN

_SIREN = re.compile(r"[0-9]{9}")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _siren(value: Any) -> str | None:
    # Blank means "not given": proto3 strings default to "".
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be a string")
    siren = value.replace(" ", "") if len(value) <= SIREN_INPUT_MAX else value  # "217 500 016"
    if not _SIREN.fullmatch(siren):
        raise PydanticCustomError("siren", "must be 9 digits")
    if not luhn_valid(siren):
        raise PydanticCustomError("siren", "fails the SIREN check digit (Luhn)")
    return siren


Siren = Annotated[str | None, BeforeValidator(_siren)]
"""An optional SIREN: None or blank for none, else 9 digits (spaces allowed) with a valid check digit."""


def _keyable(name: str) -> str:
    if not normalise_name(name):
        raise PydanticCustomError("no_letter", "must contain at least one letter or digit (a-z, 0-9)")
    return name


OrganisationName = Annotated[Name, AfterValidator(_keyable)]
Territory = text(TERRITORY_MAX, required=False)


class ContactInput(BaseModel):
    """A contact as a command gives it; any object with these attributes is read."""

    model_config = ConfigDict(frozen=True, from_attributes=True, extra="ignore")

    email: Email
    name: text(CONTACT_NAME_MAX, required=False) | None = None
    role: text(ROLE_MAX, required=False) | None = None

    def as_contact(self) -> Contact:
        return Contact(email=self.email, name=self.name or None, role=self.role or None)


Contacts = bounded_list(ContactInput, CONTACTS_MAX, "contacts", unique=lambda c: c.email.casefold(),
                        unique_field="email", unique_message="duplicates another contact's email")
