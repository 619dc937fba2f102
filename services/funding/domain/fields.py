"""Funding's own field rules, as types beside the kit's (shared.domain.fields).

Amounts are bounded so that every figure derived from them fits the read models' bigint
columns and proto's int64: a cost is at most ``10000 / funder_share_bp`` times its
allocation, so 10^13 cents (EUR 100 billion) leaves room for a share of one basis point.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from shared.contracts.funding import BASIS_POINTS
from shared.contracts.membership import normalise_name
from shared.domain.fields import Money, Name, PositiveMoney, integer

MAX_CENTS = 10**13
MAX_ADMINISTRATIONS = 1000


def _bounded(value: Money) -> Money:
    if value.amount_cents > MAX_CENTS:
        raise PydanticCustomError("too_large", "must be at most {max} cents", {"max": MAX_CENTS})
    return value


Amount = Annotated[PositiveMoney, AfterValidator(_bounded)]
"""A grant's or an allocation's amount: more than zero, at most 10^13 cents."""


def _keyable(name: str) -> str:
    # The normalised funder name is part of the grant id (shared.contracts.funding).
    if not normalise_name(name):
        raise PydanticCustomError("no_letter", "must contain at least one letter or digit (a-z, 0-9)")
    return name


FunderName = Annotated[Name, AfterValidator(_keyable)]

FunderShare = integer(1, BASIS_POINTS)
"""The funder's share of a lab's cost in basis points: 1 (0.01%) to 10000 (all of it)."""

FirstTrancheShare = integer(1, BASIS_POINTS - 1)
"""The first tranche's share of an allocation in basis points; the final tranche has the rest."""

Administrations = integer(1, MAX_ADMINISTRATIONS)
