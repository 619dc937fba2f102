"""The public contract, what is particular to cohorts: sealed data keeps opening, and every
event names its cohort and host. (That every stored version keeps loading is
tests/unit/test_events.py's, for every service.)"""
from __future__ import annotations

import json
import uuid
from pathlib import Path


from services.cohorts.application.personal_data import AgentDetails, unseal
from shared.contracts.cohorts import COHORT_EVENTS, STREAM_TYPE, AgentEnrolled, cohorts_registry
from tests.unit.cohorts.examples import KEY, LAB, agent_id

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events" / "cohorts"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_stored_enrolment_still_opens_with_its_key_and_only_for_its_agent():
    stored = load(FIXTURES / "AgentEnrolled.v1.json")
    event = cohorts_registry().decode(stored["type"], 1, stored["data"])
    assert isinstance(event, AgentEnrolled)
    assert unseal(KEY, event.personal, LAB, agent_id(1)) == AgentDetails(name="Agent 1", email="agent1@mulhouse.fr")
    assert unseal(KEY, event.personal, LAB, agent_id(2)) is None  # bound to its agent
    assert "Agent 1" not in json.dumps(stored) and "mulhouse.fr" not in json.dumps(stored)


def test_every_event_names_its_cohort_and_host():
    for model in COHORT_EVENTS:
        assert {"cohort_id", "host_member_id"} <= set(model.model_fields), model.event_type


def test_type_strings_are_stable_and_not_import_paths():
    assert {m.event_type for m in COHORT_EVENTS} == {
        "cohorts.CohortOpened", "cohorts.CohortStarted", "cohorts.CohortPutOnHold", "cohorts.CohortResumed",
        "cohorts.CohortCompleted", "cohorts.AgentEnrolled", "cohorts.AgentWithdrew", "cohorts.AbsenceLogged",
        "cohorts.CoachAssigned", "cohorts.SprintRecorded", "cohorts.ReturnToServiceRecorded",
        "cohorts.AgentForgotten",
    }
    assert STREAM_TYPE == "cohorts.Cohort"


def test_consumers_read_tolerantly():
    data = {**load(FIXTURES / "CohortStarted.v1.json")["data"], "added_later": {"x": 1}}
    event = cohorts_registry().decode("cohorts.CohortStarted", 1, data)
    assert event.cohort_id == uuid.UUID(data["cohort_id"])


def test_each_registry_is_fresh():
    assert cohorts_registry() is not cohorts_registry()
