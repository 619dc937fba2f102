"""A cohorts history made by the Cohort decider from random commands (seeded): labs and
workshops opened, started, put on hold and resumed, agents enrolled (sealed for real),
withdrawn, absent, returned and forgotten, coaches and sprints. Refused commands are
dropped, as the service would refuse them."""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from services.cohorts.application.personal_data import AgentDetails, new_key, seal
from services.cohorts.domain import (
    AssignCoach,
    CohortState,
    CompleteCohort,
    EnrolAgent,
    ForgetAgent,
    HostStanding,
    LogAbsence,
    OpenCohort,
    PutCohortOnHold,
    RecordReturnToService,
    RecordSprint,
    ResumeCohort,
    StartCohort,
    WithdrawAgent,
    WithFacts,
    decide,
    evolve,
    initial,
)
from shared.contracts.cohorts import STREAM_TYPE, cohorts_registry
from shared.domain.errors import DomainError
from tests.histories.base import Stored, interleaved, stored

THEMES = ["Fréquentation des bibliothèques", "Rénovation énergétique", "Pieds d'arbres", "Tiers-lieux"]
DEPARTMENTS = ["Culture", "Espaces verts", "Ressources humaines", "Habitat"]
COACHES = [("Chloé Sociologue", "sociologist"), ("Hugo Urbaniste", "urbanist"), ("Inès Designer", "designer")]


def _open(rng: random.Random, cohort_id: uuid.UUID, day: date) -> OpenCohort:
    lab = rng.random() < 0.7
    return OpenCohort(
        cohort_id=cohort_id, kind="lab" if lab else "workshop", host_member_id=uuid.uuid4(),
        theme=rng.choice(THEMES), project_statement="Améliorer un service\naux usagers", planned_start=day,
        opened_on=day - timedelta(days=30), capacity=rng.randint(2, 6), absence_budget_days=rng.randint(35, 40),
        duration_months=rng.randint(14, 18) if lab else None, duration_days=None if lab else rng.randint(1, 92),
    )


def _enrol(rng: random.Random, cohort: CohortState, day: date, serial: int) -> EnrolAgent:
    agent_id, key_id = uuid.uuid4(), uuid.uuid4()
    details = AgentDetails(name=f"Agent Numéro {serial}", email=f"agent{serial}@ville.fr" if serial % 2 else None)
    return EnrolAgent(cohort_id=cohort.cohort_id, agent_id=agent_id, category=rng.choice("abc"),
                      home_department=rng.choice(DEPARTMENTS),
                      personal=seal(new_key(), key_id, cohort.cohort_id, agent_id, details), enrolled_on=day)


def _some_agent(rng: random.Random, cohort: CohortState) -> uuid.UUID:
    return rng.choice(sorted(cohort.agents)) if cohort.agents else uuid.uuid4()


def _next_command(rng: random.Random, cohort: CohortState, day: date, serial: int) -> object:
    """One random command fitting (or not) the cohort as it is."""
    c = cohort.cohort_id
    makers: list[Callable[[], object]] = [
        lambda: StartCohort(cohort_id=c, on=day),
        lambda: _enrol(rng, cohort, day, serial),
        lambda: _enrol(rng, cohort, day, serial),
        lambda: WithdrawAgent(cohort_id=c, agent_id=_some_agent(rng, cohort), reason="charge de travail", on=day),
        lambda: LogAbsence(cohort_id=c, agent_id=_some_agent(rng, cohort), on=day, days=rng.randint(1, 12)),
        lambda: LogAbsence(cohort_id=c, agent_id=_some_agent(rng, cohort), on=day, days=rng.randint(1, 12)),
        lambda: AssignCoach(cohort_id=c, coach_name=rng.choice(COACHES)[0], discipline=rng.choice(COACHES)[1], on=day),
        lambda: RecordSprint(cohort_id=c, starts_on=day, prototype="Carte culture jeunes",
                             outcome=rng.choice(["validated", "iterate", "abandoned"])),
        lambda: PutCohortOnHold(cohort_id=c, reason="élections", on=day),
        lambda: WithFacts(ResumeCohort(cohort_id=c, on=day), HostStanding.ACTIVE),
        lambda: CompleteCohort(cohort_id=c, on=day),
        lambda: RecordReturnToService(cohort_id=c, agent_id=_some_agent(rng, cohort), on=day,
                                      outcome=rng.choice(["reintegrated", "new_role", "difficult"])),
        lambda: ForgetAgent(cohort_id=c, agent_id=_some_agent(rng, cohort)),
    ]
    return rng.choice(makers)()


def cohorts_history(seed: int = 27, cohorts: int = 10, steps: int = 60) -> list[Stored]:
    rng = random.Random(seed)
    registry = cohorts_registry()
    history: list[Stored] = []
    serial = 0
    for _ in range(cohorts):
        cohort_id = uuid.uuid4()
        day = date(2016, 1, 4) + timedelta(days=rng.randint(0, 700))
        state: CohortState | None = initial
        command: object = WithFacts(_open(rng, cohort_id, day), HostStanding.ACTIVE)
        for _ in range(steps):
            try:
                events = decide(state, command)
            except DomainError:
                events = []
            for event in events:
                state = evolve(state, event)
            history += stored(str(cohort_id), STREAM_TYPE, events, registry)
            if state is None:
                break
            day += timedelta(days=rng.randint(0, 9))
            serial += 1
            command = _next_command(rng, state, day, serial)
    return interleaved(history, rng)
