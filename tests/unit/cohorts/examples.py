"""Sample cohorts from the article (Mulhouse's lab, a "Les Éclaireurs" workshop), as commands
and the events they produce. Personal data is sealed with a fixed key, as the application would."""
from __future__ import annotations

import functools
import uuid
from datetime import date

from services.cohorts.application.personal_data import AgentDetails, seal
from services.cohorts.domain import (
    EnrolAgent,
    HostStanding,
    OpenCohort,
    WithFacts,
    decide,
    evolve,
    initial,
)
from shared.contracts.cohorts import (
    AgentCategory,
    AgentEnrolled,
    CohortKind,
    CohortOpened,
    CohortCompleted,
    CohortPutOnHold,
    CohortStarted,
    SealedPersonalData,
    SprintOutcome,
    SprintRecorded,
)
from tests.unit.given_when_then import Scenario

scenario = Scenario(initial, evolve, decide)
given = scenario.given

MULHOUSE = uuid.UUID("776e0172-6d0e-54cb-8db5-86bf6d95d580")  # the host's member id in membership
LAB = uuid.UUID("0b1c27e0-0000-4000-8000-000000000001")
OPENED_ON = date(2016, 5, 2)
STARTED_ON = date(2016, 6, 1)
KEY = bytes(range(32))

OPEN_LAB = OpenCohort(
    cohort_id=LAB, kind="lab", host_member_id=MULHOUSE, theme="Fréquentation des bibliothèques",
    project_statement="Faire revenir les jeunes à la bibliothèque\net créer une carte culture",
    planned_start=date(2016, 6, 1), opened_on=OPENED_ON, duration_months=16,
)
OPEN_LAB_AS_MEMBER = WithFacts(OPEN_LAB, HostStanding.ACTIVE)

lab_opened = CohortOpened(
    cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, theme="Fréquentation des bibliothèques",
    project_statement="Faire revenir les jeunes à la bibliothèque\net créer une carte culture",
    planned_start=date(2016, 6, 1), planned_end=date(2017, 9, 30), duration_months=16, duration_days=None,
    duration_override_reason=None, capacity=20, absence_budget_days=40, opened_on=OPENED_ON,
)
lab_started = CohortStarted(cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, started_on=STARTED_ON,
                            planned_end=date(2017, 9, 30))

hold = CohortPutOnHold(cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, reason="host left",
                       on=date(2017, 1, 10))
completed = CohortCompleted(cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, started_on=STARTED_ON,
                            completed_on=date(2017, 9, 29))
sprint_1 = SprintRecorded(cohort_id=LAB, host_member_id=MULHOUSE, number=1, starts_on=date(2016, 9, 5),
                          ends_on=date(2016, 9, 11), prototype="Carte culture", outcome=SprintOutcome.ITERATE)


def agent_id(n: int) -> uuid.UUID:
    return uuid.UUID(int=0xA6E7 << 64 | n)


def key_id(n: int) -> uuid.UUID:
    return uuid.UUID(int=0x4E1 << 64 | n)


@functools.cache
def sealed(n: int, cohort: uuid.UUID = LAB) -> SealedPersonalData:
    """Agent ``n``'s details sealed once (a fresh nonce each time would give another ciphertext)."""
    details = AgentDetails(name=f"Agent {n}", email=f"agent{n}@mulhouse.fr")
    return seal(KEY, key_id(n), cohort, agent_id(n), details)


def enrol(n: int, category: str = "b", on: date = STARTED_ON, cohort: uuid.UUID = LAB) -> EnrolAgent:
    """Agent ``n``'s enrolment, with their name sealed."""
    return EnrolAgent(cohort_id=cohort, agent_id=agent_id(n), category=category, home_department="Culture",
                      personal=sealed(n, cohort), enrolled_on=on)


def enrolled(n: int, category: str = "b", on: date = STARTED_ON) -> AgentEnrolled:
    command = enrol(n, category, on)
    return AgentEnrolled(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=command.agent_id,
                         category=AgentCategory(category), home_department="Culture", personal=command.personal,
                         enrolled_on=on)
