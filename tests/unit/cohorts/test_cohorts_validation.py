"""Bad input is refused with InvalidArgument naming every offending field.

Commands are pydantic models of the kit's field types and cohorts' own (domain/fields.py):
building one (through shared.domain.fields.parse, as the API does) reports every bad field
at once."""
from __future__ import annotations

import base64
import uuid
from datetime import date

import pytest

from services.cohorts.application.commands import EnrolAgentInput
from services.cohorts.domain import (
    AssignCoach,
    EnrolAgent,
    LogAbsence,
    OpenCohort,
    RecordReturnToService,
    RecordSprint,
    WithdrawAgent,
)
from shared.contracts.cohorts import SealedPersonalData
from shared.domain.errors import InvalidArgument
from shared.domain.fields import parse
from tests.unit.cohorts.examples import LAB, MULHOUSE, sealed

HUGE = "x" * 100_000


def violations(model, **fields) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        parse(model, **fields)
    return {v.field: v.description for v in caught.value.violations}


def lab(**overrides) -> dict:
    return {**dict(kind="lab", host_member_id=MULHOUSE, theme="Tiers-lieux", project_statement="Des tiers-lieux",
                   planned_start=date(2017, 1, 9), opened_on=date(2016, 12, 1), duration_months=16), **overrides}


def workshop(**overrides) -> dict:
    return lab(**{"kind": "workshop", "duration_months": None, "duration_days": 1, **overrides})


def test_valid_openings_pass():
    assert parse(OpenCohort, **lab()).capacity == 20
    assert parse(OpenCohort, **workshop()).duration_days == 1
    assert parse(OpenCohort, **lab(duration_months=6, duration_override_reason="pilot")).duration_months == 6


@pytest.mark.parametrize(("fields", "field", "says"), [
    (lab(kind="bootcamp"), "kind", "unknown value 'bootcamp'"),
    (lab(host_member_id="mulhouse"), "host_member_id", "UUID"),
    (lab(theme=" "), "theme", "must not be empty"),
    (lab(theme=HUGE), "theme", "at most 200"),
    (lab(project_statement="x" * 2001), "project_statement", "at most 2000"),
    (lab(project_statement="a\x00b"), "project_statement", "control characters"),
    (lab(planned_start=date(1999, 1, 1)), "planned_start", "between 2000 and 2100"),
    (lab(planned_start=(2017, 2, 30)), "planned_start", "not a calendar date"),
    (lab(duration_months=None), "duration_months", "a lab's duration is required"),
    (lab(duration_months=13), "duration_months", "a lab lasts 14 to 18 months"),
    (lab(duration_months=19), "duration_months", "give duration_override_reason to plan 19"),
    (lab(duration_months=49, duration_override_reason="long"), "duration_months", "between 1 and 48"),
    (lab(duration_days=10), "duration_days", "given in months"),
    (workshop(duration_days=None), "duration_days", "a workshop's duration is required"),
    (workshop(duration_days=93), "duration_days", "between 1 and 92"),
    (workshop(duration_months=1), "duration_months", "given in days"),
    (workshop(duration_override_reason="longer"), "duration_override_reason", "only a lab's duration"),
    (lab(capacity=0), "capacity", "between 1 and 200"),
    (lab(capacity="20"), "capacity", "must be an integer"),
    (lab(absence_budget_days=34), "absence_budget_days", "between 35 and 40"),
    (lab(absence_budget_days=41), "absence_budget_days", "between 35 and 40"),
    (lab(cohort_budget=3), "cohort_budget", "not a field"),
])
def test_opening_field_violations(fields, field, says):
    assert says in violations(OpenCohort, **fields)[field]


def test_every_bad_field_of_an_opening_is_reported_at_once():
    found = violations(OpenCohort, **lab(kind="lab", theme="", duration_months=30, capacity=-1,
                                         absence_budget_days=50, planned_start="tomorrow"))
    assert set(found) == {"theme", "duration_months", "capacity", "absence_budget_days", "planned_start"}


def test_an_enrolment_in_clear_reports_every_bad_field():
    found = violations(EnrolAgentInput, cohort_id="nope", category="d", home_department=HUGE, name="",
                       email="not-an-email", enrolled_on=None)
    assert set(found) == {"cohort_id", "category", "home_department", "name", "email", "enrolled_on"}
    assert "unknown value 'd'" in found["category"]


def test_a_valid_enrolment_in_clear_hides_the_name_from_its_repr():
    command = parse(EnrolAgentInput, cohort_id=LAB, category="c", home_department="Espaces verts",
                    name="Camille Dupont", email="camille@ville.fr", enrolled_on=date(2016, 6, 1))
    assert "Camille" not in repr(command) and "camille" not in repr(command)
    assert command.details().name == "Camille Dupont"


@pytest.mark.parametrize(("personal", "says"), [
    ({"key_id": str(uuid.uuid4()), "ciphertext": "not base64!"}, "base64"),
    ({"key_id": str(uuid.uuid4()), "ciphertext": base64.b64encode(b"short").decode()}, "too short"),
    ({"key_id": str(uuid.uuid4()), "ciphertext": "QUFB" * 2000}, "at most 4096"),
    ({"key_id": str(uuid.uuid4()), "ciphertext": sealed(1).ciphertext, "algorithm": "ROT13"}, "AES-256-GCM"),
    ({"key_id": "k1", "ciphertext": sealed(1).ciphertext}, "UUID"),
])
def test_sealed_personal_data_must_look_sealed(personal, says):
    found = violations(EnrolAgent, cohort_id=LAB, agent_id=uuid.uuid4(), category="a", home_department="RH",
                       personal=personal, enrolled_on=date(2016, 6, 1))
    assert any(says in description for field, description in found.items() if field.startswith("personal"))


def test_the_domain_enrolment_takes_sealed_data_only():
    command = EnrolAgent(cohort_id=LAB, agent_id=uuid.uuid4(), category="a", home_department="RH",
                         personal=sealed(1), enrolled_on=date(2016, 6, 1))
    assert isinstance(command.personal, SealedPersonalData)
    assert "name" not in EnrolAgent.model_fields and "email" not in EnrolAgent.model_fields


def test_agent_commands_report_every_bad_field():
    assert set(violations(WithdrawAgent, cohort_id=LAB, agent_id="x", reason=HUGE, on="2016")) == {
        "agent_id", "reason", "on"}
    assert set(violations(LogAbsence, cohort_id=LAB, agent_id=uuid.uuid4(), on=date(2016, 6, 1), days=0)) == {"days"}
    assert "between 1 and 40" in violations(LogAbsence, cohort_id=LAB, agent_id=uuid.uuid4(), on=date(2016, 6, 1),
                                            days=41)["days"]
    assert set(violations(RecordReturnToService, cohort_id=LAB, agent_id=uuid.uuid4(), outcome="fine",
                          on=None)) == {"outcome", "on"}


def test_programme_commands_report_every_bad_field():
    assert set(violations(AssignCoach, cohort_id=LAB, coach_name="--", discipline="architect", on=date(2016, 6, 1))) == {
        "coach_name", "discipline"}
    assert set(violations(RecordSprint, cohort_id=LAB, starts_on=(2016, 13, 1), prototype="", outcome="meh")) == {
        "starts_on", "prototype", "outcome"}
