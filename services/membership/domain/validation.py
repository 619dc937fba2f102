"""Field validation: every bad field of a command is reported at once, by its path.

Each ``check_*`` adds violations to a ``Violations`` collector and returns the normalised
value, or None when the value is unusable. Lengths are checked before anything else so a
huge input costs nothing more than its length.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from pydantic import ValidationError

from shared.contracts.membership import Contact, normalise_name
from shared.domain.errors import Violations

NAME_MAX = 200
TERRITORY_MAX = 200
REASON_MAX = 500
CONTACTS_MAX = 20
EMAIL_MAX = 254
CONTACT_NAME_MAX = 200
ROLE_MAX = 100
YEAR_MIN, YEAR_MAX = 2000, 2100

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SIREN = re.compile(r"[0-9]{9}")
EnumT = TypeVar("EnumT", bound=Enum)


def _has_control(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def check_text(
    v: Violations,
    field: str,
    value: Any,
    *,
    max_len: int,
    required: bool = True,
    allow_newlines: bool = False,
) -> str | None:
    if not isinstance(value, str):
        v.add(field, "must be a string")
        return None
    if len(value) > max_len:  # before strip: a 100 kB blank is still refused for its size
        v.add(field, f"must be at most {max_len} characters (got {len(value)})")
        return None
    text = value.strip()
    if required and not text:
        v.add(field, "must not be empty")
        return None
    if _has_control(text, "\n" if allow_newlines else ""):
        v.add(field, "must not contain control characters")
        return None
    return text


def check_name(v: Violations, field: str, value: Any) -> str | None:
    name = check_text(v, field, value, max_len=NAME_MAX)
    if name is not None and not normalise_name(name):
        v.add(field, "must contain at least one letter or digit")
        return None
    return name


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_siren(v: Violations, field: str, value: Any) -> str | None:
    if not isinstance(value, str):
        v.add(field, "must be a string")
        return None
    if len(value) > 20:
        v.add(field, "must be 9 digits")
        return None
    siren = value.replace(" ", "")  # "217 500 016" is how people write it
    if not _SIREN.fullmatch(siren):
        v.add(field, "must be 9 digits")
        return None
    if not luhn_valid(siren):
        v.add(field, "fails the SIREN check digit (Luhn)")
        return None
    return siren


def check_enum(v: Violations, field: str, value: Any, enum: type[EnumT]) -> EnumT | None:
    try:
        return enum(value)
    except (ValueError, TypeError):
        allowed = ", ".join(m.value for m in enum)
        shown = repr(value)[:50]
        v.add(field, f"unknown value {shown}; expected one of: {allowed}")
        return None


def check_year(v: Violations, field: str, value: Any) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool):
        v.add(field, "must be an integer year")
        return None
    if not YEAR_MIN <= value <= YEAR_MAX:
        v.add(field, f"must be between {YEAR_MIN} and {YEAR_MAX}")
        return None
    return value


def check_date(v: Violations, field: str, value: Any) -> date | None:
    if not isinstance(value, date) or isinstance(value, datetime):
        v.add(field, "must be a calendar date")
        return None
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        v.add(field, f"must be between {YEAR_MIN} and {YEAR_MAX}")
        return None
    return value


def check_reason(v: Violations, field: str, value: Any) -> str | None:
    return check_text(v, field, value, max_len=REASON_MAX, allow_newlines=True)


def _as_contact(value: Any) -> Contact | None:
    if isinstance(value, Contact):
        return value
    if isinstance(value, Mapping):
        try:
            return Contact.model_validate(value)
        except ValidationError:
            return None
    return None


def check_contacts(v: Violations, field: str, value: Any) -> tuple[Contact, ...] | None:
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        v.add(field, "must be a list of contacts")
        return None
    if len(value) > CONTACTS_MAX:
        v.add(field, f"must hold at most {CONTACTS_MAX} contacts (got {len(value)})")
        return None
    before = len(v.items)
    contacts: list[Contact] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        path = f"{field}[{i}]"
        contact = _as_contact(raw)
        if contact is None:
            v.add(path, "must be a contact with an email")
            continue
        email = check_text(v, f"{path}.email", contact.email, max_len=EMAIL_MAX)
        if email is not None:
            if not _EMAIL.fullmatch(email):
                v.add(f"{path}.email", "must look like name@domain.tld")
            elif email.casefold() in seen:
                v.add(f"{path}.email", "duplicates another contact's email")
            seen.add(email.casefold())
        name = role = None
        if contact.name is not None:
            name = check_text(v, f"{path}.name", contact.name, max_len=CONTACT_NAME_MAX, required=False)
        if contact.role is not None:
            role = check_text(v, f"{path}.role", contact.role, max_len=ROLE_MAX, required=False)
        contacts.append(Contact(email=email or "", name=name or None, role=role or None))
    return tuple(contacts) if len(v.items) == before else None
