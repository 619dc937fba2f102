"""Properties of the Cohort decider over random command histories of one cohort.

Retry idempotency, stated precisely: let ``c`` be a command that ``decide`` accepted on state
``s`` with events ``es``, and ``s2 = fold(es, s)``. Re-deciding ``c`` on ``s2`` (a client
retry that reached the store after the first attempt committed) emits no event: it raises
the error that says "already done" for the transitions (AlreadyExists for opening and
enrolling, PreconditionFailed for start, withdraw, complete, hold and resume) and returns
``[]`` for the facts identified by a natural key (absence log, sprint, coach, return,
forgetting).

Along any history: no more agents hold a place than the capacity, no agent's absences pass
the budget (and the days used are the sum of the logs), sprints are numbered 1..n, last a
week and never overlap, and a completed cohort stays completed.
"""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.cohorts.domain import (
    AlreadyOnHold,
    AssignCoach,
    CohortIsCompleted,
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
    fold,
    initial,
)
from shared.contracts.cohorts import (
    AbsenceLogged,
    AgentCategory,
    AgentEnrolled,
    AgentForgotten,
    AgentWithdrew,
    CoachAssigned,
    CoachDiscipline,
    CohortCompleted,
    CohortKind,
    CohortOpened,
    CohortPutOnHold,
    CohortResumed,
    CohortStarted,
    CohortStatus,
    ReturnOutcome,
    ReturnToServiceRecorded,
    SprintOutcome,
    SprintRecorded,
)
from shared.domain.errors import AlreadyExists, DomainError, InvalidArgument, PreconditionFailed
from shared.domain.fields import parse
from tests.unit.cohorts.examples import LAB, MULHOUSE, agent_id, enrol, key_id, sealed

AGENTS = range(1, 4)  # few, so that commands often name an agent who is enrolled
START = date(2016, 1, 4)

RETRY_REFUSAL = {
    OpenCohort: AlreadyExists,
    EnrolAgent: AlreadyExists,
    StartCohort: PreconditionFailed,
    WithdrawAgent: PreconditionFailed,
    CompleteCohort: CohortIsCompleted,
    PutCohortOnHold: AlreadyOnHold,
    ResumeCohort: PreconditionFailed,
}

agents = st.sampled_from(list(AGENTS))
standings = st.sampled_from([HostStanding.ACTIVE] * 4 + [HostStanding.LEFT, HostStanding.NOT_A_MEMBER])


def _open(capacity: int, budget: int, months: int, standing: HostStanding):
    def at(day: date) -> WithFacts:
        return WithFacts(OpenCohort(cohort_id=LAB, kind="lab", host_member_id=MULHOUSE, theme="Tiers-lieux",
                                    project_statement="Des lieux", planned_start=day, opened_on=day, capacity=capacity,
                                    absence_budget_days=budget, duration_months=months), standing)
    return at


openings = st.builds(_open, st.integers(1, 3), st.integers(35, 40), st.integers(14, 18), standings)

# Each command as a function of its date, so that a history's dates only move forward and the
# strategies are built once (building them at each step is what makes such a test slow).
starts = st.just(lambda day: StartCohort(cohort_id=LAB, on=day))
enrolments = st.builds(lambda n, category: lambda day: enrol(n, category, on=day), agents, st.sampled_from("abc"))
withdrawals = st.builds(
    lambda n: lambda day: WithdrawAgent(cohort_id=LAB, agent_id=agent_id(n), reason="workload", on=day), agents)
absences = st.builds(
    lambda n, days, back: lambda day: LogAbsence(cohort_id=LAB, agent_id=agent_id(n), on=day - timedelta(back),
                                                 days=days),
    agents, st.sampled_from([1, 3, 8, 12, 20, 30, 38, 40]), st.integers(0, 3))
coaches = st.builds(
    lambda name, discipline: lambda day: AssignCoach(cohort_id=LAB, coach_name=name, discipline=discipline, on=day),
    st.sampled_from(["Chloé", "chloé ", "Hugo"]), st.sampled_from(list(CoachDiscipline)))
sprints = st.builds(
    lambda back, result: lambda day: RecordSprint(cohort_id=LAB, starts_on=day - timedelta(back),
                                                  prototype="Carte culture", outcome=result),
    st.integers(0, 10), st.sampled_from(list(SprintOutcome)))
holds = st.just(lambda day: PutCohortOnHold(cohort_id=LAB, reason="host left", on=day))
resumptions = st.builds(lambda standing: lambda day: WithFacts(ResumeCohort(cohort_id=LAB, on=day), standing),
                        standings)
completions = st.just(lambda day: CompleteCohort(cohort_id=LAB, on=day))
returns = st.builds(
    lambda n, result: lambda day: RecordReturnToService(cohort_id=LAB, agent_id=agent_id(n), outcome=result, on=day),
    agents, st.sampled_from(list(ReturnOutcome)))
forgettings = st.builds(lambda n: lambda day: ForgetAgent(cohort_id=LAB, agent_id=agent_id(n)), agents)
# Weighted so that histories get past the start, fill the cohort, log absences up to the budget
# and reach the returns after completion.
commands = st.sampled_from(
    [openings, withdrawals, coaches, holds, forgettings] + [starts] * 3 + [enrolments] * 4 + [absences] * 6
    + [sprints] * 3 + [resumptions] * 2 + [completions] * 2 + [returns] * 3
).flatmap(lambda strategy: strategy)
# A history: an opening by an active host, then commands, each some days after the last.
histories = st.tuples(st.builds(_open, st.integers(1, 3), st.integers(35, 40), st.integers(14, 18),
                                st.just(HostStanding.ACTIVE)),
                      st.lists(st.tuples(st.integers(0, 12), commands), min_size=10, max_size=40))


def dated(first, rest) -> list:
    """The history's commands, their dates moving forward from START (a day may repeat)."""
    day, out = START, [first(START)]
    for gap, make in rest:
        day += timedelta(days=gap)
        out.append(make(day))
    return out


def outcome(state, command):
    try:
        return decide(state, command)
    except DomainError as error:
        return type(error)


def bare(command):
    return command.command if isinstance(command, WithFacts) else command


@settings(max_examples=300)
@given(histories)
def test_a_retried_command_emits_nothing(generated):
    state = initial
    for command in dated(*generated):
        decided = outcome(state, command)
        if not isinstance(decided, list):
            continue  # refused: the state is unchanged, nothing to retry
        after = fold(decided, state)
        retried = outcome(after, command)
        if decided and type(bare(command)) in RETRY_REFUSAL:
            assert retried is RETRY_REFUSAL[type(bare(command))]
        else:
            assert retried == []
        state = after


@settings(max_examples=300)
@given(histories)
def test_capacity_budget_and_sprint_invariants_hold_along_any_history(generated):
    state = initial
    for command in dated(*generated):
        decided = outcome(state, command)
        if not isinstance(decided, list):
            continue
        before, state = state, fold(decided, state)
        assert state.enrolled <= state.capacity
        for agent in state.agents.values():
            assert agent.days_used == sum(agent.absences.values()) <= state.absence_budget_days
        for event in decided:
            if isinstance(event, AbsenceLogged):
                assert event.days_used <= event.budget_days
        numbers = [s.number for s in state.sprints]
        assert numbers == list(range(1, len(numbers) + 1))
        for previous, sprint in zip(state.sprints, state.sprints[1:]):
            assert sprint.starts_on > previous.ends_on
        for sprint in state.sprints:
            assert sprint.ends_on - sprint.starts_on == timedelta(days=6)
        if before is not None and before.status is CohortStatus.COMPLETED:
            assert state.status is CohortStatus.COMPLETED
            assert all(isinstance(e, (ReturnToServiceRecorded, AgentForgotten)) for e in decided)
        if before is not None and before.started_on is not None:
            assert state.started_on == before.started_on  # a cohort starts once


dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2019, 12, 31))
ids = dict(cohort_id=st.just(LAB), host_member_id=st.just(MULHOUSE))
agent_ids = st.sampled_from([agent_id(n) for n in AGENTS])
any_event = st.one_of(
    st.builds(CohortOpened, **ids, kind=st.sampled_from(list(CohortKind)), theme=st.just("t"),
              project_statement=st.just("p"), planned_start=dates, planned_end=dates, duration_months=st.none(),
              duration_days=st.integers(1, 92), duration_override_reason=st.none(), capacity=st.integers(1, 5),
              absence_budget_days=st.integers(35, 40), opened_on=dates),
    st.builds(CohortStarted, **ids, kind=st.just(CohortKind.LAB), started_on=dates, planned_end=dates),
    st.builds(CohortPutOnHold, **ids, kind=st.just(CohortKind.LAB), reason=st.just("r"), on=dates),
    st.builds(CohortResumed, **ids, kind=st.just(CohortKind.LAB), on=dates, status=st.sampled_from(list(CohortStatus))),
    st.builds(CohortCompleted, **ids, kind=st.just(CohortKind.LAB), started_on=dates, completed_on=dates),
    st.builds(lambda n, on: AgentEnrolled(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=agent_id(n),
                                          category=AgentCategory.A, home_department="RH", personal=sealed(n),
                                          enrolled_on=on), agents, dates),
    st.builds(AgentWithdrew, **ids, agent_id=agent_ids, reason=st.just("r"), on=dates),
    st.builds(AbsenceLogged, **ids, agent_id=agent_ids, on=dates, days=st.integers(1, 40), days_used=st.integers(0, 99),
              budget_days=st.integers(35, 40)),
    st.builds(CoachAssigned, **ids, coach_name=st.sampled_from(["Chloé", "Hugo"]),
              discipline=st.sampled_from(list(CoachDiscipline)), on=dates),
    st.builds(SprintRecorded, **ids, number=st.integers(1, 5), starts_on=dates, ends_on=dates, prototype=st.just("p"),
              outcome=st.sampled_from(list(SprintOutcome))),
    st.builds(ReturnToServiceRecorded, **ids, agent_id=agent_ids, outcome=st.sampled_from(list(ReturnOutcome)),
              on=dates),
    st.builds(lambda n: AgentForgotten(cohort_id=LAB, host_member_id=MULHOUSE, agent_id=agent_id(n), key_id=key_id(n)),
              agents),
)


@given(st.lists(any_event, max_size=30))
def test_evolve_is_total(events):
    state = initial
    for event in events:
        state = evolve(state, event)  # any order, even before the opening: never raises


junk = st.none() | st.text(max_size=300) | st.integers() | st.booleans() | st.dates() | st.lists(st.text(max_size=5),
                                                                                               max_size=3)


@settings(max_examples=300)
@given(st.fixed_dictionaries(dict(
    cohort_id=st.just(LAB), kind=junk | st.sampled_from(["lab", "workshop"]), host_member_id=junk | st.just(MULHOUSE),
    theme=junk, project_statement=junk, planned_start=junk, opened_on=junk, capacity=junk,
    absence_budget_days=junk, duration_override_reason=junk, duration_months=junk | st.integers(10, 20),
    duration_days=junk,
)))
def test_any_opening_is_either_accepted_or_refused_with_a_domain_error(fields):
    try:
        command = parse(OpenCohort, **fields)  # as the API builds commands
    except InvalidArgument as refused:
        assert refused.violations  # every refusal names its fields
        return
    result = outcome(initial, WithFacts(command, HostStanding.ACTIVE))
    assert isinstance(result, list) or issubclass(result, DomainError)
