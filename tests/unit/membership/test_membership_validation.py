"""Bad input is refused with InvalidArgument naming every offending field.

Commands are pydantic models of the kit's field types: building one (through
shared.domain.fields.parse, as the API does) reports every bad field at once."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from services.membership.domain import (
    AdmitMember,
    LeaveMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
    admission_member_id,
    decide,
    evolve,
    initial,
)
from services.membership.domain.fields import luhn_valid
from shared.contracts.membership import Contact
from shared.domain.errors import InvalidArgument
from shared.domain.fields import parse
from tests.unit.membership.examples import PARIS_ID, paris_admitted

HUGE = "x" * 100_000
MEMBER = evolve(initial, paris_admitted)


def admit(**overrides) -> AdmitMember:
    fields = dict(scheme="association", kind="commune", name="Ville de Mulhouse",
                  siren="216802249", admitted_on=date(2016, 6, 1))
    return parse(AdmitMember, **{**fields, **overrides})


def violations(state, build: Callable[[], object]) -> dict[str, str]:
    """The violations of building a command (``build``) and deciding it on ``state``."""
    with pytest.raises(InvalidArgument) as caught:
        decide(state, build())
    return {v.field: v.description for v in caught.value.violations}


def test_a_valid_admission_passes():
    assert decide(None, admit())


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "   "}, "name", "must not be empty"),
        ({"name": "--"}, "name", "letter or digit"),
        ({"name": "Ville\x00de Lille"}, "name", "control characters"),
        ({"name": "Ville\nde Lille"}, "name", "control characters"),
        ({"name": "x" * 201}, "name", "at most 200"),
        ({"name": HUGE}, "name", "at most 200"),
        ({"name": None}, "name", "must be a string"),
        ({"kind": "mayor"}, "kind", "unknown value 'mayor'"),
        ({"scheme": "club"}, "scheme", "unknown value 'club'"),
        ({"siren": "21680224"}, "siren", "9 digits"),
        ({"siren": "21680224A"}, "siren", "9 digits"),
        ({"siren": "216802248"}, "siren", "Luhn"),
        ({"siren": HUGE}, "siren", "9 digits"),
        ({"territory": HUGE}, "territory", "at most 200"),
        ({"admitted_on": date(1999, 12, 31)}, "admitted_on", "between 2000 and 2100"),
        ({"admitted_on": datetime(2016, 6, 1)}, "admitted_on", "calendar date"),
        ({"dues_paid_until": 2101}, "dues_paid_until", "between 2000 and 2100"),
        ({"dues_paid_until": 2014}, "dues_paid_until", "year before admission"),
        ({"dues_paid_until": "2016"}, "dues_paid_until", "integer year"),
        ({"contacts": "a@b.fr"}, "contacts", "list of contacts"),
        ({"contacts": (Contact(email="a@b.fr"),) * 21}, "contacts", "at most 20"),
    ],
)
def test_admission_field_violations(overrides, field, says):
    found = violations(None, lambda: admit(**overrides))
    assert says in found[field]


def test_every_violation_is_reported_with_its_path():
    contacts = (
        Contact(email="ok@lille.fr"),
        Contact(email="not-an-email"),
        Contact(email="OK@lille.fr"),
        Contact(email="x@y.fr", name=HUGE, role="a\x07b"),
        {"email": "from@mapping.fr"},
        42,
    )
    found = violations(None, lambda: admit(name="", kind="mayor", siren="123", contacts=contacts))
    assert set(found) == {
        "name", "kind", "siren",
        "contacts[1].email", "contacts[2].email", "contacts[3].name", "contacts[3].role",
        "contacts[5]",
    }
    assert "duplicates" in found["contacts[2].email"]


def test_an_email_longer_than_254_is_refused():
    email = "a" * 250 + "@b.fr"
    found = violations(None, lambda: admit(contacts=(Contact(email=email),)))
    assert "at most 254" in found["contacts[0].email"]


def test_admission_member_id_refuses_what_it_cannot_key():
    with pytest.raises(InvalidArgument) as caught:
        admission_member_id(admit(name=HUGE, siren="12", scheme="x"))
    assert {v.field for v in caught.value.violations} == {"name", "siren", "scheme"}


def test_reasons_are_bounded_and_required():
    assert "must not be empty" in violations(
        MEMBER, lambda: parse(SuspendMember, member_id=PARIS_ID, reason=" ", on=date(2017, 1, 1))
    )["reason"]
    assert "at most 500" in violations(
        MEMBER, lambda: parse(LeaveMember, member_id=PARIS_ID, reason=HUGE, on=date(2017, 1, 1))
    )["reason"]
    multi_line = LeaveMember(member_id=PARIS_ID, reason="budget\nvote", on=date(2017, 1, 1))
    assert decide(MEMBER, multi_line)[0].reason == "budget\nvote"


def test_years_are_bounded():
    assert "between" in violations(MEMBER, lambda: parse(RenewDues, member_id=PARIS_ID, year=1999))["year"]
    assert "integer" in violations(MEMBER, lambda: parse(RenewDues, member_id=PARIS_ID, year=True))["year"]


def test_profile_update_fields_are_validated_like_admission():
    def update() -> UpdateMemberProfile:
        return parse(UpdateMemberProfile, member_id=PARIS_ID, name=HUGE, kind="mayor", territory=HUGE,
                     contacts=(Contact(email="bad"),))

    assert set(violations(MEMBER, update)) == {"name", "kind", "territory", "contacts[0].email"}


def test_luhn():
    assert luhn_valid("217500016")
    assert not luhn_valid("217500017")


def test_a_malformed_date_hides_no_other_bad_field():
    found = violations(None, lambda: admit(siren="123", admitted_on=(2025, 2, 30)))
    assert set(found) == {"siren", "admitted_on"}
    assert "not a calendar date" in found["admitted_on"]
