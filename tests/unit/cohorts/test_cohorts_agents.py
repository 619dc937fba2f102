"""A cohort's agents: enrolment, withdrawal, absences, return to service, forgetting."""
from __future__ import annotations

from datetime import date, timedelta

from services.cohorts.domain import (
    ForgetAgent,
    LogAbsence,
    RecordReturnToService,
    WithdrawAgent,
)
from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentForgotten,
    AgentWithdrew,
    CohortCompleted,
    CohortKind,
    ReturnOutcome,
    ReturnToServiceRecorded,
)
from shared.domain.errors import AlreadyExists, NotFound, PreconditionFailed
from tests.unit.cohorts.examples import (
    LAB,
    MULHOUSE,
    STARTED_ON,
    agent_id,
    completed,
    enrol,
    enrolled,
    given,
    hold,
    key_id,
    lab_opened,
    lab_started,
)

A1 = agent_id(1)
running = (lab_opened, lab_started, enrolled(1))
withdrew = AgentWithdrew(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=A1, reason="workload", on=date(2016, 8, 1))


def absence(on: date, days: int, used: int) -> AbsenceLogged:
    return AbsenceLogged(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=A1, on=on, days=days, days_used=used,
                         budget_days=40)


def log(on: date, days: int) -> LogAbsence:
    return LogAbsence(cohort_id=LAB, agent_id=A1, on=on, days=days)


# --- enrol ------------------------------------------------------------------------------------


def test_enrol_carries_only_sealed_personal_data():
    state = given(lab_opened, lab_started).when(enrol(1, "a")).then(enrolled(1, "a"))
    assert state.agents[A1].key_id == key_id(1)
    assert "Agent 1" not in enrolled(1).model_dump_json()


def test_enrol_before_the_start_and_while_on_hold():
    given(lab_opened).when(enrol(1)).then(enrolled(1))
    given(lab_opened, lab_started, hold).when(enrol(1)).then(enrolled(1))


def test_enrol_refusals():
    given().when(enrol(1)).raises(NotFound)
    given(*running).when(enrol(1)).raises(AlreadyExists, "already enrolled")
    given(*running, completed).when(enrol(2)).raises(PreconditionFailed, "has completed")


def test_the_21st_agent_finds_the_cohort_full_until_someone_withdraws():
    full = [lab_opened, lab_started, *(enrolled(n) for n in range(1, 21))]
    given(*full).when(enrol(21)).raises(PreconditionFailed, "cohort is full: 20 places, 20 agents enrolled")
    given(*full, withdrew).when(enrol(21)).then(enrolled(21))


def test_an_agent_already_enrolled_is_told_so_even_when_the_cohort_is_full():
    full = [lab_opened, lab_started, *(enrolled(n) for n in range(1, 21))]
    given(*full).when(enrol(3)).raises(AlreadyExists)


# --- withdraw ---------------------------------------------------------------------------------


def test_withdraw_an_agent():
    state = given(*running).when(WithdrawAgent(cohort_id=LAB, agent_id=A1, reason=" workload ",
                                               on=date(2016, 8, 1))).then(withdrew)
    assert state.agents[A1].withdrawn and state.enrolled == 0


def test_withdraw_refusals():
    withdraw = WithdrawAgent(cohort_id=LAB, agent_id=A1, reason="workload", on=date(2016, 8, 1))
    given().when(withdraw).raises(NotFound, "cohort not found")
    given(lab_opened, lab_started).when(withdraw).raises(NotFound, "not on this cohort's roster")
    given(*running, withdrew).when(withdraw).raises(PreconditionFailed, "withdrew on 2016-08-01")
    given(*running, completed).when(withdraw).raises(PreconditionFailed, "has completed")
    given(*running).when(withdraw.model_copy(update={"on": STARTED_ON - timedelta(days=1)})).raises(
        PreconditionFailed, "before the agent's enrolment")


# --- absences ---------------------------------------------------------------------------------


def test_log_absence_days_up_to_the_budget():
    first = absence(date(2016, 6, 6), 12, 12)
    second = absence(date(2016, 7, 4), 28, 40)
    state = given(*running, first).when(log(date(2016, 7, 4), 28)).then(second)
    assert state.agents[A1].days_used == 40


def test_logging_past_the_budget_names_the_budget_and_the_days_used():
    given(*running, absence(date(2016, 6, 6), 38, 38)).when(log(date(2016, 7, 4), 3)).raises(
        PreconditionFailed, "the budget is 40 days per agent, agent .* has used 38 days, 3 more would make 41")


def test_the_same_log_sent_twice_counts_once():
    first = absence(date(2016, 6, 6), 12, 12)
    given(*running, first).when(log(date(2016, 6, 6), 12)).then()
    given(*running, first, completed).when(log(date(2016, 6, 6), 12)).then()  # even once completed


def test_another_log_on_the_same_day_is_not_a_correction():
    given(*running, absence(date(2016, 6, 6), 12, 12)).when(log(date(2016, 6, 6), 5)).raises(
        PreconditionFailed, "12 days of absence are already logged")


def test_log_absence_refusals():
    on = date(2016, 6, 6)
    given().when(log(on, 1)).raises(NotFound)
    given(lab_opened, lab_started).when(log(on, 1)).raises(NotFound, "roster")
    given(lab_opened, enrolled(1)).when(log(on, 1)).raises(PreconditionFailed, "not started")
    given(*running, withdrew).when(log(on, 1)).raises(PreconditionFailed, "withdrew")
    given(*running, completed).when(log(on, 1)).raises(PreconditionFailed, "has completed")
    given(*running).when(log(STARTED_ON - timedelta(days=1), 1)).raises(PreconditionFailed, "before the cohort's start")
    late = enrolled(1, on=date(2016, 9, 1))
    given(lab_opened, lab_started, late).when(log(date(2016, 8, 1), 1)).raises(
        PreconditionFailed, "before the agent's enrolment")


def test_absences_may_be_logged_while_on_hold():
    given(*running, hold).when(log(date(2017, 1, 3), 2)).then(absence(date(2017, 1, 3), 2, 2))


# --- return to service ------------------------------------------------------------------------


def test_record_an_agents_return_after_completion():
    returned = ReturnToServiceRecorded(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=A1,
                                       outcome=ReturnOutcome.DIFFICULT, on=date(2017, 12, 1))
    command = RecordReturnToService(cohort_id=LAB, agent_id=A1, outcome="difficult", on=date(2017, 12, 1))
    state = given(*running, completed).when(command).then(returned)
    assert state.agents[A1].returned == (ReturnOutcome.DIFFICULT, date(2017, 12, 1))
    given(*running, completed, returned).when(command).then()  # the same follow-up again: nothing new
    given(*running, completed, returned).when(command.model_copy(update={"outcome": ReturnOutcome.NEW_ROLE})).raises(
        PreconditionFailed, "already recorded: difficult")


def test_return_refusals():
    command = RecordReturnToService(cohort_id=LAB, agent_id=A1, outcome="reintegrated", on=date(2017, 12, 1))
    given().when(command).raises(NotFound)
    given(*running).when(command).raises(PreconditionFailed, "recorded after completion")
    given(*running, withdrew, completed).when(command).raises(PreconditionFailed, "who completed the programme")
    given(*running, completed).when(command.model_copy(update={"on": date(2017, 9, 1)})).raises(
        PreconditionFailed, "before the cohort's completion")


# --- forget -----------------------------------------------------------------------------------


def test_forget_records_the_key_destroyed_and_nothing_personal():
    forgotten = AgentForgotten(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=A1, key_id=key_id(1))
    state = given(*running).when(ForgetAgent(cohort_id=LAB, agent_id=A1)).then(forgotten)
    agent = state.agents[A1]
    assert agent.forgotten and agent.category.value == "b" and agent.home_department == "Culture"
    given(*running, forgotten).when(ForgetAgent(cohort_id=LAB, agent_id=A1)).then()  # twice: once
    given(*running, completed).when(ForgetAgent(cohort_id=LAB, agent_id=A1)).then(forgotten)  # any status


def test_a_forgotten_agents_figures_stay():
    forgotten = AgentForgotten(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=A1, key_id=key_id(1))
    state = given(*running, absence(date(2016, 6, 6), 12, 12), forgotten).state
    assert state.agents[A1].days_used == 12 and state.enrolled == 1


def test_forget_refusals():
    given().when(ForgetAgent(cohort_id=LAB, agent_id=A1)).raises(NotFound, "cohort")
    given(lab_opened).when(ForgetAgent(cohort_id=LAB, agent_id=A1)).raises(NotFound, "roster")


def test_completion_event_names_the_cohort_for_funding():
    assert {"cohort_id", "host_member_id", "kind", "started_on", "completed_on"} <= set(CohortCompleted.model_fields)
    assert completed.kind is CohortKind.LAB
