"""A cohort's lifecycle, command by command: given events / when command / then events or error."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.cohorts.domain import (
    AlreadyOnHold,
    CohortIsCompleted,
    CompleteCohort,
    HostStanding,
    OpenCohort,
    PutCohortOnHold,
    ResumeCohort,
    StartCohort,
    WithFacts,
)
from shared.contracts.cohorts import (
    CohortKind,
    CohortOpened,
    CohortResumed,
    CohortStatus,
)
from shared.domain.errors import AlreadyExists, NotFound, PreconditionFailed
from tests.unit.cohorts.examples import (
    LAB,
    MULHOUSE,
    OPEN_LAB,
    OPEN_LAB_AS_MEMBER,
    STARTED_ON,
    completed,
    given,
    hold,
    lab_opened,
    lab_started,
    sprint_1,
)

# --- open -------------------------------------------------------------------------------------


def test_open_a_lab_for_an_active_member():
    state = given().when(OPEN_LAB_AS_MEMBER).then(lab_opened)
    assert state.status is CohortStatus.OPEN
    assert state.capacity == 20 and state.absence_budget_days == 40


def test_a_workshop_is_planned_in_days():
    workshop = OpenCohort(cohort_id=LAB, kind="workshop", host_member_id=MULHOUSE, theme="L'évaluation",
                          project_statement="Imaginer l'administration de demain", planned_start=date(2018, 3, 5),
                          opened_on=date(2018, 2, 1), duration_days=2)
    given().when(WithFacts(workshop, HostStanding.ACTIVE)).then(CohortOpened(
        cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.WORKSHOP, theme="L'évaluation",
        project_statement="Imaginer l'administration de demain", planned_start=date(2018, 3, 5),
        planned_end=date(2018, 3, 6), duration_months=None, duration_days=2, duration_override_reason=None,
        capacity=20, absence_budget_days=40, opened_on=date(2018, 2, 1)))


def test_a_lab_outside_14_to_18_months_with_an_override_keeps_its_reason():
    longer = OPEN_LAB.model_copy(update={"duration_months": 24, "duration_override_reason": "merger of regions"})
    given().when(WithFacts(longer, HostStanding.ACTIVE)).then(lab_opened.model_copy(update={
        "duration_months": 24, "duration_override_reason": "merger of regions", "planned_end": date(2018, 5, 31)}))


@pytest.mark.parametrize(("standing", "says"), [
    (HostStanding.NOT_A_MEMBER, "is not a member of the association"),
    (HostStanding.LEFT, "has left the association"),
    (HostStanding.SUSPENDED, "is suspended"),
])
def test_only_an_active_member_may_host(standing, says):
    given().when(WithFacts(OPEN_LAB, standing)).raises(PreconditionFailed, says)


def test_a_bare_command_without_the_host_fact_is_refused_never_assumed():
    given().when(OPEN_LAB).raises(PreconditionFailed, "not a member")


def test_open_twice_already_exists():
    given(lab_opened).when(OPEN_LAB_AS_MEMBER).raises(AlreadyExists)


def test_open_without_an_id_is_a_bug_of_the_caller():
    given().when(WithFacts(OPEN_LAB.model_copy(update={"cohort_id": None}), HostStanding.ACTIVE)).raises(TypeError)


# --- start ------------------------------------------------------------------------------------


def test_start_on_a_date_moves_the_planned_end_with_it():
    state = given(lab_opened).when(StartCohort(cohort_id=LAB, on=date(2016, 7, 1))).then(
        lab_started.model_copy(update={"started_on": date(2016, 7, 1), "planned_end": date(2017, 10, 31)}))
    assert state.status is CohortStatus.RUNNING and state.started_on == date(2016, 7, 1)


def test_start_refusals():
    start = StartCohort(cohort_id=LAB, on=STARTED_ON)
    given().when(start).raises(NotFound)
    given(lab_opened, lab_started).when(start).raises(PreconditionFailed, "already started")
    given(lab_opened, hold.model_copy(update={"on": date(2016, 5, 20)})).when(start).raises(PreconditionFailed, "on hold")
    given(lab_opened, lab_started, completed).when(start).raises(PreconditionFailed, "has completed")
    given(lab_opened).when(StartCohort(cohort_id=LAB, on=date(2016, 5, 1))).raises(PreconditionFailed, "before")


# --- hold / resume ----------------------------------------------------------------------------


def test_put_on_hold_then_resume_running():
    state = given(lab_opened, lab_started).when(
        PutCohortOnHold(cohort_id=LAB, reason=" host left ", on=date(2017, 1, 10))).then(hold)
    assert state.status is CohortStatus.ON_HOLD
    resumed = CohortResumed(cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, on=date(2017, 2, 1),
                            status=CohortStatus.RUNNING)
    state = given(lab_opened, lab_started, hold).when(
        WithFacts(ResumeCohort(cohort_id=LAB, on=date(2017, 2, 1)), HostStanding.ACTIVE)).then(resumed)
    assert state.status is CohortStatus.RUNNING


def test_a_cohort_on_hold_before_its_start_resumes_open():
    early = hold.model_copy(update={"on": date(2016, 5, 10)})
    state = given(lab_opened, early).when(WithFacts(ResumeCohort(cohort_id=LAB, on=date(2016, 5, 20)),
                                                    HostStanding.ACTIVE)).then(CohortResumed(
        cohort_id=LAB, host_member_id=MULHOUSE, kind=CohortKind.LAB, on=date(2016, 5, 20), status=CohortStatus.OPEN))
    assert state.started_on is None


def test_hold_refusals():
    put = PutCohortOnHold(cohort_id=LAB, reason="budget", on=date(2017, 3, 1))
    given().when(put).raises(NotFound)
    # Their own types: the host-left reaction expects them (nothing to do), not other refusals.
    given(lab_opened, lab_started, hold).when(put).raises(AlreadyOnHold, "already on hold")
    given(lab_opened, lab_started, completed).when(put).raises(CohortIsCompleted, "has completed")
    given(lab_opened, lab_started).when(put.model_copy(update={"on": date(2016, 5, 1)})).raises(
        PreconditionFailed, "before")


def test_resume_refusals():
    resume = WithFacts(ResumeCohort(cohort_id=LAB, on=date(2017, 2, 1)), HostStanding.ACTIVE)
    given().when(resume).raises(NotFound)
    given(lab_opened, lab_started).when(resume).raises(PreconditionFailed, "not on hold")
    given(lab_opened, lab_started, hold).when(WithFacts(resume.command, HostStanding.LEFT)).raises(
        PreconditionFailed, "has left")
    given(lab_opened, lab_started, hold).when(WithFacts(
        ResumeCohort(cohort_id=LAB, on=date(2017, 1, 1)), HostStanding.ACTIVE)).raises(PreconditionFailed, "before")


# --- complete ---------------------------------------------------------------------------------


def test_complete_a_running_cohort():
    state = given(lab_opened, lab_started, sprint_1).when(CompleteCohort(cohort_id=LAB, on=date(2017, 9, 29))).then(
        completed)
    assert state.status is CohortStatus.COMPLETED


def test_complete_refusals():
    done = CompleteCohort(cohort_id=LAB, on=date(2017, 9, 29))
    given().when(done).raises(NotFound)
    given(lab_opened).when(done).raises(PreconditionFailed, "not started")
    given(lab_opened, lab_started, hold).when(done).raises(PreconditionFailed, "on hold")
    given(lab_opened, lab_started, completed).when(done).raises(PreconditionFailed, "has completed")
    given(lab_opened, lab_started, sprint_1).when(CompleteCohort(cohort_id=LAB, on=date(2016, 9, 8))).raises(
        PreconditionFailed, "the end of sprint 1")


def test_commands_on_another_cohort_id_find_nothing():
    given().when(StartCohort(cohort_id=uuid.uuid4(), on=STARTED_ON)).raises(NotFound)
