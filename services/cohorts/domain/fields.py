"""Cohorts' own field rules, as types beside the kit's (shared.domain.fields).

Durations
---------
- A **lab** is planned in months: 14 to 18 (the programme's rule). Outside that range the
  command must give ``duration_override_reason``, and even then 1 to 48 months.
- A **workshop** ("Les Éclaireurs") is planned in days: 1 to 92 (one day to three months).
  Anything longer is a lab; a workshop's duration has no override.

Agents
------
- Capacity: 1 to 200 places (20 by default).
- Absence budget: 35 to 40 days per agent (40 by default), for labs and workshops alike (a
  workshop's agents rarely come near it; the budget is a ceiling).
- One absence log is 1 to 40 days (no log can be larger than any budget).
"""
from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from shared.contracts.cohorts import SEALING_ALGORITHM, SealedPersonalData
from shared.domain.fields import Name, integer, text

LAB_MONTHS = (14, 18)
OVERRIDDEN_LAB_MONTHS = (1, 48)
WORKSHOP_DAYS = (1, 92)
DEFAULT_CAPACITY = 20
DEFAULT_ABSENCE_BUDGET = 40

THEME_MAX = 200
STATEMENT_MAX = 2000
DEPARTMENT_MAX = 200
PROTOTYPE_MAX = 500
SEALED_MAX = 4096  # base64 characters: a name and an email sealed are a few hundred
NONCE_AND_TAG = 12 + 16

Theme = Name
ProjectStatement = text(STATEMENT_MAX, newlines=True)
Department = Name
Prototype = text(PROTOTYPE_MAX, newlines=True)
CoachName = Name

Capacity = integer(1, 200)
AbsenceBudget = integer(35, 40)
LabMonths = integer(*OVERRIDDEN_LAB_MONTHS)  # 14-18 without an override: checked by OpenCohort
WorkshopDays = integer(*WORKSHOP_DAYS)
AbsenceDays = integer(1, 40)
SprintNumber = integer(1, 10_000)


def _sealed(value: SealedPersonalData) -> SealedPersonalData:
    if value.algorithm != SEALING_ALGORITHM:
        raise PydanticCustomError("sealing", "must be sealed with {expected}", {"expected": SEALING_ALGORITHM})
    if len(value.ciphertext) > SEALED_MAX:
        raise PydanticCustomError("too_long", "sealed data must be at most {max} characters", {"max": SEALED_MAX})
    try:
        raw = base64.b64decode(value.ciphertext, validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("sealing", "must be base64 of nonce + ciphertext + tag") from None
    if len(raw) <= NONCE_AND_TAG:
        raise PydanticCustomError("sealing", "too short to hold a nonce, a ciphertext and a tag")
    return value


Sealed = Annotated[SealedPersonalData, AfterValidator(_sealed)]
"""Personal data as the application sealed it: the domain never sees an agent's name."""


def months_message(months: Any) -> str:
    low, high = LAB_MONTHS
    return f"a lab lasts {low} to {high} months; give duration_override_reason to plan {months}"
