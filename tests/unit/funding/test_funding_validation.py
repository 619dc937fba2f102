"""Bad input is refused with InvalidArgument naming every offending field.

Commands are pydantic models of the kit's field types and funding's own (domain/fields.py):
building one through shared.domain.fields.parse, as the API does, reports every bad field at
once, at its path."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.funding.domain import (
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
)
from services.funding.domain.fields import MAX_CENTS
from shared.domain.errors import InvalidArgument
from shared.domain.fields import parse
from tests.unit.funding.examples import GRANT_ID, MULHOUSE

EUR = {"amount_cents": 8_600_000, "currency": "EUR"}


def award(**overrides) -> AwardGrant:
    fields = dict(funder="Bloomberg Philanthropies", amount=EUR, awarded_on=date(2017, 7, 1), administrations=10,
                  funder_share_bp=4500)
    return parse(AwardGrant, **{**fields, **overrides})


def refused(build, **overrides) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        build(**overrides)
    return {v.field: v.description for v in caught.value.violations}


def test_a_valid_award_passes_with_the_default_first_tranche():
    assert award().first_tranche_bp == 5000


@pytest.mark.parametrize(("overrides", "field", "says"), [
    ({"funder": ""}, "funder", "must not be empty"),
    ({"funder": "東京都"}, "funder", "a-z, 0-9"),  # its normalised name, part of the grant id, would be empty
    ({"funder": "x" * 201}, "funder", "at most 200"),
    ({"amount": {"amount_cents": 0, "currency": "EUR"}}, "amount", "more than zero"),
    ({"amount": {"amount_cents": -5, "currency": "EUR"}}, "amount", "more than zero"),
    ({"amount": {"amount_cents": MAX_CENTS + 1, "currency": "EUR"}}, "amount", f"at most {MAX_CENTS} cents"),
    ({"amount": {"amount_cents": 86000.0, "currency": "EUR"}}, "amount.amount_cents", "integer number of cents"),
    ({"amount": {"amount_cents": 100, "currency": "eur"}}, "amount.currency", "ISO 4217"),
    ({"amount": {"amount_cents": 100}}, "amount.currency", "is required"),
    ({"awarded_on": (2017, 2, 30)}, "awarded_on", "not a calendar date"),
    ({"awarded_on": date(1999, 12, 31)}, "awarded_on", "between 2000 and 2100"),
    ({"administrations": 0}, "administrations", "between 1 and 1000"),
    ({"administrations": "10"}, "administrations", "must be an integer"),
    ({"funder_share_bp": 0}, "funder_share_bp", "between 1 and 10000"),
    ({"funder_share_bp": 10_001}, "funder_share_bp", "between 1 and 10000"),
    ({"funder_share_bp": 45.0}, "funder_share_bp", "must be an integer"),
    ({"first_tranche_bp": 10_000}, "first_tranche_bp", "between 1 and 9999"),
    ({"first_tranche_bp": 0}, "first_tranche_bp", "between 1 and 9999"),
    ({"surprise": 1}, "surprise", "is not a field of this request"),
])
def test_each_bad_award_field_is_named(overrides, field, says):
    assert says in refused(award, **overrides)[field]


def test_every_bad_field_is_reported_at_once():
    bad = refused(award, funder=" ", amount={"amount_cents": 1, "currency": "euro"}, awarded_on=None,
                  administrations=-1, funder_share_bp=0)
    assert set(bad) == {"funder", "amount.currency", "awarded_on", "administrations", "funder_share_bp"}


def test_allocation_fields():
    bad = refused(lambda **f: parse(AllocateShare, **f), grant_id="not-a-uuid", member_id=None,
                  amount={"amount_cents": 0, "currency": "EUR"}, allocated_on="2017-09-01")
    assert bad == {"grant_id": "must be a UUID", "member_id": "must be a UUID", "amount": "must be more than zero",
                   "allocated_on": "must be a calendar date"}


def test_a_tranche_is_first_or_final():
    bad = refused(lambda **f: parse(MarkTrancheDue, **f), grant_id=GRANT_ID, member_id=MULHOUSE, tranche="middle",
                  due_on=date(2018, 1, 1))
    assert bad == {"tranche": "unknown value 'middle'; expected one of: first, final"}
    assert parse(DisburseTranche, grant_id=GRANT_ID, member_id=MULHOUSE, tranche="final",
                 disbursed_on=date(2018, 1, 1)).tranche.value == "final"


def test_a_freeze_needs_a_reason():
    bad = refused(lambda **f: parse(FreezeAllocation, **f), grant_id=GRANT_ID, member_id=MULHOUSE, reason="  ",
                  on=date(2018, 1, 1))
    assert bad == {"reason": "must not be empty"}


def test_designations_count_at_least_one():
    bad = refused(lambda **f: parse(RecordDesignationsDue, **f), grant_id=GRANT_ID, count=0, due_by=date(2019, 12, 31))
    assert bad == {"count": "must be between 1 and 1000"}


def test_a_pledge_amount_is_optional_but_positive_when_given():
    assert parse(PledgeCoFunding, grant_id=GRANT_ID, member_id=MULHOUSE, pledged_on=date(2018, 1, 1)).amount is None
    bad = refused(lambda **f: parse(PledgeCoFunding, **f), grant_id=GRANT_ID, member_id=uuid.uuid4(),
                  pledged_on=date(2018, 1, 1), amount={"amount_cents": -1, "currency": "EUR"})
    assert bad == {"amount": "must be more than zero"}
