"""A cohort's programme: coaches and one-week prototype sprints."""
from __future__ import annotations

from datetime import date

from services.cohorts.domain import AssignCoach, RecordSprint
from services.cohorts.domain.programme import MAX_COACHES
from shared.contracts.cohorts import CoachAssigned, CoachDiscipline, SprintOutcome, SprintRecorded
from shared.domain.errors import NotFound, PreconditionFailed
from tests.unit.cohorts.examples import LAB, MULHOUSE, STARTED_ON, completed, given, hold, lab_opened, lab_started, sprint_1

running = (lab_opened, lab_started)
sociologist = CoachAssigned(cohort_id=LAB, host_member_id=MULHOUSE, coach_name="Chloé Martin",
                            discipline=CoachDiscipline.SOCIOLOGIST, on=STARTED_ON)


def assign(name: str = "Chloé Martin", discipline: str = "sociologist") -> AssignCoach:
    return AssignCoach(cohort_id=LAB, coach_name=name, discipline=discipline, on=STARTED_ON)


def sprint(starts_on: date, prototype: str = "Carte culture", outcome: str = "iterate") -> RecordSprint:
    return RecordSprint(cohort_id=LAB, starts_on=starts_on, prototype=prototype, outcome=outcome)


# --- coaches ----------------------------------------------------------------------------------


def test_assign_a_coach():
    state = given(*running).when(assign()).then(sociologist)
    assert [c.discipline for c in state.coaches.values()] == [CoachDiscipline.SOCIOLOGIST]


def test_the_same_coach_again_changes_nothing_whatever_the_spelling():
    given(*running, sociologist).when(assign("  chloé   MARTIN ")).then()


def test_a_coach_has_one_discipline_in_a_cohort():
    given(*running, sociologist).when(assign(discipline="designer")).raises(PreconditionFailed, "already")


def test_coach_refusals():
    given().when(assign()).raises(NotFound)
    given(*running, completed).when(assign()).raises(PreconditionFailed, "has completed")
    many = [CoachAssigned(cohort_id=LAB, host_member_id=MULHOUSE, coach_name=f"Coach {n}",
                          discipline=CoachDiscipline.URBANIST, on=STARTED_ON) for n in range(MAX_COACHES)]
    given(*running, *many).when(assign()).raises(PreconditionFailed, f"at most {MAX_COACHES}")


# --- sprints ----------------------------------------------------------------------------------


def test_sprints_are_numbered_in_order_and_last_one_week():
    state = given(*running).when(sprint(date(2016, 9, 5))).then(sprint_1)
    second = SprintRecorded(cohort_id=LAB, host_member_id=MULHOUSE, number=2, starts_on=date(2016, 9, 12),
                            ends_on=date(2016, 9, 18), prototype="Carte culture v2", outcome=SprintOutcome.VALIDATED)
    state = given(*running, sprint_1).when(sprint(date(2016, 9, 12), "Carte culture v2", "validated")).then(second)
    assert [s.number for s in state.sprints] == [1, 2]


def test_a_sprint_cannot_overlap_the_previous_one():
    for starts_on in (date(2016, 9, 11), date(2016, 9, 8), date(2016, 8, 1)):
        given(*running, sprint_1).when(sprint(starts_on)).raises(PreconditionFailed, "never overlap")


def test_the_same_sprint_sent_twice_counts_once():
    given(*running, sprint_1).when(sprint(date(2016, 9, 5))).then()
    given(*running, sprint_1, completed).when(sprint(date(2016, 9, 5))).then()


def test_another_sprint_in_a_recorded_week_is_refused():
    given(*running, sprint_1).when(sprint(date(2016, 9, 5), outcome="abandoned")).raises(
        PreconditionFailed, "sprint 1 is already recorded")


def test_sprint_refusals():
    given().when(sprint(date(2016, 9, 5))).raises(NotFound)
    given(lab_opened).when(sprint(date(2016, 9, 5))).raises(PreconditionFailed, "not started")
    given(*running, hold).when(sprint(date(2017, 1, 16))).raises(PreconditionFailed, "on hold")
    given(*running, completed).when(sprint(date(2017, 10, 2))).raises(PreconditionFailed, "has completed")
    given(*running).when(sprint(date(2016, 5, 30))).raises(PreconditionFailed, "before the cohort's start")
