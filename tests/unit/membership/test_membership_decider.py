"""Every command against every state that matters: given events / when command / then."""
from __future__ import annotations

import uuid
from datetime import date

from services.membership.domain import (
    AdmitMember,
    LeaveMember,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
    admission_member_id,
)
from shared.contracts.membership import (
    Contact,
    DuesRenewed,
    MemberKind,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    Scheme,
)
from shared.domain.errors import AlreadyExists, InvalidArgument, NotFound, PreconditionFailed
from tests.unit.membership.examples import (
    ADMITTED_ON,
    CONTACT,
    DITP_ID,
    PARIS_ID,
    ditp_admitted,
    given,
    paris_admitted,
)

ADMIT_PARIS = AdmitMember(
    scheme="association",
    kind="commune",
    name="  Ville de Paris ",
    siren="217 500 016",
    territory="Paris",
    contacts=(CONTACT,),
    admitted_on=ADMITTED_ON,
)
suspended = MemberSuspended(
    member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, reason="dues unpaid", on=date(2017, 3, 1)
)
left = MemberLeft(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, reason="budget", on=date(2019, 1, 1))


# --- admit ----------------------------------------------------------------------------


def test_admit_emits_admitted_with_derived_id_and_normalised_input():
    state = given().when(ADMIT_PARIS).then(paris_admitted)
    assert state.status is MemberStatus.ACTIVE
    assert admission_member_id(ADMIT_PARIS) == PARIS_ID


def test_admit_by_name_keys_on_normalised_name():
    cmd = AdmitMember(
        scheme=Scheme.HALLES_CIVIQUES,
        kind=MemberKind.STATE_SERVICE,
        name="DITP",
        admitted_on=date(2018, 3, 1),
    )
    given().when(cmd).then(ditp_admitted)
    assert admission_member_id(cmd) == DITP_ID


def test_admit_twice_in_the_same_scheme_already_exists():
    given(paris_admitted).when(ADMIT_PARIS).raises(AlreadyExists)


def test_same_organisation_in_the_other_scheme_is_another_member():
    other = AdmitMember(**{**ADMIT_PARIS.__dict__, "scheme": "halles_civiques"})
    assert admission_member_id(other) != PARIS_ID


def test_admit_after_leaving_is_refused_the_stream_is_closed():
    given(paris_admitted, left).when(ADMIT_PARIS).raises(PreconditionFailed, "member has left")


def test_admit_may_record_dues_already_paid_ahead():
    cmd = AdmitMember(**{**ADMIT_PARIS.__dict__, "dues_paid_until": 2017})
    given().when(cmd).then(paris_admitted.model_copy(update={"dues_paid_until": 2017}))


# --- commands on a member that does not exist or has left ------------------------------

ALL_ON_EXISTING = [
    UpdateMemberProfile(member_id=PARIS_ID, territory="Île-de-France"),
    SuspendMember(member_id=PARIS_ID, reason="dues unpaid", on=date(2019, 2, 1)),
    ReinstateMember(member_id=PARIS_ID, on=date(2019, 2, 1)),
    RenewDues(member_id=PARIS_ID, year=2017),
    LeaveMember(member_id=PARIS_ID, reason="again", on=date(2019, 2, 1)),
]


def test_commands_on_an_unknown_member_are_not_found():
    for cmd in ALL_ON_EXISTING:
        given().when(cmd).raises(NotFound)


def test_every_command_on_a_left_member_is_refused():
    for cmd in ALL_ON_EXISTING:
        given(paris_admitted, left).when(cmd).raises(PreconditionFailed, "member has left")


# --- suspend / reinstate --------------------------------------------------------------


def test_suspend_an_active_member():
    cmd = SuspendMember(member_id=PARIS_ID, reason=" dues unpaid ", on=date(2017, 3, 1))
    state = given(paris_admitted).when(cmd).then(suspended)
    assert state.status is MemberStatus.SUSPENDED


def test_suspend_a_suspended_member_is_refused():
    cmd = SuspendMember(member_id=PARIS_ID, reason="again", on=date(2017, 4, 1))
    given(paris_admitted, suspended).when(cmd).raises(PreconditionFailed, "already suspended")


def test_reinstate_a_suspended_member():
    cmd = ReinstateMember(member_id=PARIS_ID, on=date(2017, 5, 1))
    state = given(paris_admitted, suspended).when(cmd).then(
        MemberReinstated(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, on=date(2017, 5, 1))
    )
    assert state.status is MemberStatus.ACTIVE


def test_reinstate_an_active_member_is_refused():
    cmd = ReinstateMember(member_id=PARIS_ID, on=date(2017, 5, 1))
    given(paris_admitted).when(cmd).raises(PreconditionFailed, "not suspended")


def test_a_status_change_cannot_be_dated_before_the_previous_one():
    before_admission = SuspendMember(member_id=PARIS_ID, reason="x", on=date(2015, 1, 1))
    given(paris_admitted).when(before_admission).raises(PreconditionFailed, "before")
    before_suspension = ReinstateMember(member_id=PARIS_ID, on=date(2017, 2, 1))
    given(paris_admitted, suspended).when(before_suspension).raises(PreconditionFailed, "before")


# --- dues -----------------------------------------------------------------------------


def test_renew_the_next_year():
    given(paris_admitted).when(RenewDues(member_id=PARIS_ID, year=2017)).then(
        DuesRenewed(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, year=2017, paid_until=2017)
    )


def test_renewing_a_year_already_paid_emits_nothing():
    given(paris_admitted).when(RenewDues(member_id=PARIS_ID, year=2016)).then()
    given(paris_admitted).when(RenewDues(member_id=PARIS_ID, year=2010)).then()


def test_renewal_cannot_skip_an_unpaid_year():
    cmd = RenewDues(member_id=PARIS_ID, year=2018)
    given(paris_admitted).when(cmd).raises(PreconditionFailed, "2017 must be renewed first")


def test_a_suspended_member_may_renew_its_dues():
    given(paris_admitted, suspended).when(RenewDues(member_id=PARIS_ID, year=2017)).then(
        DuesRenewed(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, year=2017, paid_until=2017)
    )


# --- leave ----------------------------------------------------------------------------


def test_leave_from_active_or_suspended():
    cmd = LeaveMember(member_id=PARIS_ID, reason="budget", on=date(2019, 1, 1))
    assert given(paris_admitted).when(cmd).then(left).status is MemberStatus.LEFT
    assert given(paris_admitted, suspended).when(cmd).then(left).status is MemberStatus.LEFT


# --- profile --------------------------------------------------------------------------


def test_update_emits_only_the_changed_fields():
    new_contacts = (CONTACT, Contact(email="elus@paris.fr"))
    cmd = UpdateMemberProfile(
        member_id=PARIS_ID,
        name="Ville de Paris",  # unchanged: not in the event
        territory="Paris (75)",
        contacts=new_contacts,
    )
    state = given(paris_admitted).when(cmd).then(
        MemberProfileUpdated(
            member_id=PARIS_ID,
            scheme=Scheme.ASSOCIATION,
            territory="Paris (75)",
            contacts=new_contacts,
        )
    )
    assert state.contacts == new_contacts and state.name == "Ville de Paris"


def test_update_with_nothing_new_emits_nothing():
    cmd = UpdateMemberProfile(
        member_id=PARIS_ID, kind="commune", territory=" Paris ", siren="217 500 016"
    )
    given(paris_admitted).when(cmd).then()


def test_a_siren_keyed_member_may_be_renamed():
    cmd = UpdateMemberProfile(member_id=PARIS_ID, name="Paris", siren="217500016")
    given(paris_admitted).when(cmd).then(
        MemberProfileUpdated(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, name="Paris")
    )


def test_changing_the_siren_is_refused_on_the_field():
    cmd = UpdateMemberProfile(member_id=PARIS_ID, siren="200053791")
    error = given(paris_admitted).when(cmd).raises(InvalidArgument)
    assert [(v.field, v.description) for v in error.violations] == [
        ("siren", "identity key cannot change; leave and admit anew")
    ]


def test_a_name_keyed_member_cannot_get_a_siren_or_a_new_name():
    cmd = UpdateMemberProfile(member_id=DITP_ID, siren="130005481", name="Another name")
    error = given(ditp_admitted).when(cmd).raises(InvalidArgument)
    assert {v.field for v in error.violations} == {"siren", "name"}


def test_a_name_keyed_member_may_change_only_the_spelling_of_its_name():
    cmd = UpdateMemberProfile(member_id=DITP_ID, name="d.i.t.p")
    given(ditp_admitted).when(cmd).raises(InvalidArgument)  # "d i t p" != "ditp"
    cmd = UpdateMemberProfile(member_id=DITP_ID, name="ditp")
    given(ditp_admitted).when(cmd).then(
        MemberProfileUpdated(member_id=DITP_ID, scheme=Scheme.HALLES_CIVIQUES, name="ditp")
    )


def test_update_may_change_the_kind():
    cmd = UpdateMemberProfile(member_id=PARIS_ID, kind=MemberKind.METROPOLE)
    state = given(paris_admitted).when(cmd).then(
        MemberProfileUpdated(member_id=PARIS_ID, scheme=Scheme.ASSOCIATION, kind=MemberKind.METROPOLE)
    )
    assert state.kind is MemberKind.METROPOLE


def test_update_of_an_unknown_member_id_is_not_found():
    given().when(UpdateMemberProfile(member_id=uuid.uuid4(), name="x")).raises(NotFound)
