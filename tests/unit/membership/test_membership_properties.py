"""Properties of the Member decider over random command histories.

Retry idempotency, stated precisely: let ``c`` be a command that ``decide`` accepted on state
``s`` with events ``es``, and ``s2 = fold(es, s)``. Re-deciding ``c`` on ``s2`` (a client
retry that reached the store after the first attempt committed) emits no event: it returns
``[]`` for the commands whose target is a value (UpdateMemberProfile, RenewDues), and raises
the error that says "already done" for the commands that are transitions: AlreadyExists for
AdmitMember, PreconditionFailed for SuspendMember, ReinstateMember and LeaveMember.
"""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.membership.domain import (
    AdmitMember,
    LeaveMember,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
    admission_member_id,
    decide,
    evolve,
    fold,
    initial,
)
from shared.contracts.membership import (
    Contact,
    DuesRenewed,
    MemberAdmitted,
    MemberKind,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    Scheme,
)
from shared.domain.errors import AlreadyExists, DomainError, InvalidArgument, PreconditionFailed
from shared.domain.fields import parse

SIREN = "200093201"  # every generated command targets this one organisation's stream
MEMBER_ID = admission_member_id(
    AdmitMember(scheme="association", kind="region", name="x", siren=SIREN, admitted_on=date(2017, 1, 1))
)

admission_dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2016, 6, 30))
dates = st.dates(min_value=date(2016, 7, 1), max_value=date(2020, 12, 31))
reasons = st.sampled_from(["dues unpaid", "budget", "merger", "asked to"])
kinds = st.sampled_from(list(MemberKind))
names = st.sampled_from(["Région Occitanie", "Region Occitanie", "Occitanie"])
contacts = st.lists(
    st.builds(Contact, email=st.sampled_from(["a@b.fr", "c@d.fr", "e@f.org"])),
    max_size=3,
    unique_by=lambda c: c.email,
).map(tuple)

admits = st.builds(
    AdmitMember,
    scheme=st.just(Scheme.ASSOCIATION),
    kind=kinds,
    name=names,
    siren=st.just(SIREN),
    territory=st.sampled_from(["", "Occitanie"]),
    contacts=contacts,
    admitted_on=admission_dates,
    dues_paid_until=st.none() | st.integers(2015, 2021),  # always valid input
)
updates = st.builds(
    UpdateMemberProfile,
    member_id=st.just(MEMBER_ID),
    kind=st.none() | kinds,
    name=st.none() | names,
    siren=st.none() | st.just(SIREN),
    territory=st.none() | st.sampled_from(["", "Occitanie", "Toulouse"]),
    contacts=st.none() | contacts,
)
suspends = st.builds(SuspendMember, member_id=st.just(MEMBER_ID), reason=reasons, on=dates)
reinstates = st.builds(ReinstateMember, member_id=st.just(MEMBER_ID), on=dates)
renewals = st.builds(RenewDues, member_id=st.just(MEMBER_ID), year=st.integers(2015, 2022))
leaves = st.builds(LeaveMember, member_id=st.just(MEMBER_ID), reason=reasons, on=dates)
# Weighted so that histories get past a few suspensions and renewals before leaving.
commands = st.sampled_from(
    [admits, updates, updates, suspends, suspends, reinstates, reinstates, reinstates]
    + [renewals] * 4
    + [leaves]
).flatmap(lambda strategy: strategy)
histories = st.lists(commands, max_size=25)

RETRY_REFUSAL = {
    AdmitMember: AlreadyExists,
    SuspendMember: PreconditionFailed,
    ReinstateMember: PreconditionFailed,
    LeaveMember: PreconditionFailed,
}


def outcome(state, command):
    try:
        return decide(state, command)
    except DomainError as error:
        return type(error)


@settings(max_examples=300)
@given(admits, histories)
def test_a_retried_command_emits_nothing(first, history):
    state = initial
    for command in [first, *history]:
        decided = outcome(state, command)
        if not isinstance(decided, list):
            continue  # refused: the state is unchanged, nothing to retry
        after = fold(decided, state)
        retried = outcome(after, command)
        if decided and type(command) in RETRY_REFUSAL:
            assert retried is RETRY_REFUSAL[type(command)]
        else:
            assert retried == []
        state = after


@settings(max_examples=300)
@given(admits, histories)
def test_lifecycle_invariants_hold_along_any_history(first, history):
    state = initial
    for command in [first, *history]:
        decided = outcome(state, command)
        if not isinstance(decided, list):
            continue
        before, state = state, fold(decided, state)
        if before is None:
            continue
        assert state.member_id == before.member_id == MEMBER_ID
        assert state.identity_key == before.identity_key
        assert state.dues_paid_until >= before.dues_paid_until
        assert before.status is not MemberStatus.LEFT or not decided  # left is terminal
    if state is not None and state.status is MemberStatus.LEFT:
        for command in [first, *history]:  # all valid input: only the state refuses them
            assert outcome(state, command) is PreconditionFailed


event_fields = dict(member_id=st.just(MEMBER_ID), scheme=st.sampled_from(list(Scheme)))
any_event = st.one_of(
    st.builds(
        MemberAdmitted, **event_fields, kind=kinds, name=names, siren=st.none() | st.just(SIREN),
        identity_key=st.just(f"siren:{SIREN}"), territory=st.just(""), contacts=contacts,
        admitted_on=dates, dues_paid_until=st.integers(2000, 2100),
    ),
    st.builds(MemberProfileUpdated, **event_fields, kind=st.none() | kinds, name=st.none() | names),
    st.builds(MemberSuspended, **event_fields, reason=reasons, on=dates),
    st.builds(MemberReinstated, **event_fields, on=dates),
    st.builds(DuesRenewed, **event_fields, year=st.integers(2000, 2100), paid_until=st.integers(2000, 2100)),
    st.builds(MemberLeft, **event_fields, reason=reasons, on=dates),
)


@given(st.lists(any_event, max_size=30))
def test_evolve_is_total(events):
    state = initial
    for event in events:
        state = evolve(state, event)  # any order, even before admission: never raises


junk = st.none() | st.text(max_size=300) | st.integers() | st.booleans() | st.dates() | st.lists(st.text(max_size=5), max_size=3)


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(dict(
        scheme=junk, kind=junk, name=junk, admitted_on=junk, siren=junk,
        territory=junk, contacts=junk, dues_paid_until=junk,
    ))
)
def test_any_input_is_either_accepted_or_refused_with_a_domain_error(fields):
    try:
        command = parse(AdmitMember, **fields)  # as the API builds commands
    except InvalidArgument as refused:
        assert refused.violations  # every refusal names its fields
        return
    result = outcome(initial, command)
    assert isinstance(result, list) or issubclass(result, DomainError)
