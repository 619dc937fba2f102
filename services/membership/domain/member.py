"""The Member decider: ``evolve`` folds events into state, ``decide`` turns a command into
events or refuses it with a domain error. Pure: no I/O, no clock.

Retry idempotency (checked by a property test): re-deciding a command on the state its own
events produced never emits anything. Admit is refused with AlreadyExists; suspend,
reinstate and leave with PreconditionFailed (the state they aimed at is already reached);
profile updates and dues renewals emit nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from uuid import UUID

from shared.contracts.membership import (
    DuesRenewed,
    MemberAdmitted,
    MemberEvent,
    MemberKind,
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    Scheme,
    identity_key,
    member_id_for,
)
from shared.domain.errors import AlreadyExists, NotFound, PreconditionFailed, Violations
from services.membership.domain import validation as check
from services.membership.domain.commands import (
    AdmitMember,
    LeaveMember,
    MemberCommand,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
)
from services.membership.domain.state import MemberState, initial

IDENTITY_IS_FIXED = "identity key cannot change; leave and admit anew"

# --- evolve ---------------------------------------------------------------------------


def evolve(state: MemberState | None, event: MemberEvent) -> MemberState | None:
    """Total: an event that does not fit the state leaves it unchanged, never raises."""
    if state is None:
        if isinstance(event, MemberAdmitted):
            return MemberState(
                member_id=event.member_id,
                scheme=event.scheme,
                kind=event.kind,
                name=event.name,
                siren=event.siren,
                identity_key=event.identity_key,
                territory=event.territory,
                contacts=event.contacts,
                admitted_on=event.admitted_on,
                dues_paid_until=event.dues_paid_until,
                status=MemberStatus.ACTIVE,
                status_since=event.admitted_on,
            )
        return None
    match event:
        case MemberProfileUpdated():
            changed = {
                f: getattr(event, f)
                for f in ("kind", "name", "territory", "contacts")
                if getattr(event, f) is not None
            }
            return replace(state, **changed)
        case MemberSuspended():
            return replace(state, status=MemberStatus.SUSPENDED, status_since=event.on)
        case MemberReinstated():
            return replace(state, status=MemberStatus.ACTIVE, status_since=event.on)
        case DuesRenewed():
            return replace(state, dues_paid_until=max(state.dues_paid_until, event.paid_until))
        case MemberLeft():
            return replace(state, status=MemberStatus.LEFT, status_since=event.on)
    return state


def fold(events: Iterable[MemberEvent], state: MemberState | None = initial) -> MemberState | None:
    for event in events:
        state = evolve(state, event)
    return state


# --- decide ---------------------------------------------------------------------------


def decide(state: MemberState | None, command: MemberCommand) -> list[MemberEvent]:
    """Input is validated first (all bad fields at once), then checked against the state."""
    match command:
        case AdmitMember():
            return _admit(state, command)
        case UpdateMemberProfile():
            return _update_profile(state, command)
        case SuspendMember():
            return _suspend(state, command)
        case ReinstateMember():
            return _reinstate(state, command)
        case RenewDues():
            return _renew_dues(state, command)
        case LeaveMember():
            return _leave(state, command)
    raise TypeError(f"not a membership command: {type(command).__name__}")


def admission_member_id(command: AdmitMember) -> UUID:
    """The stream an admission targets (so the caller can load it before deciding).

    Validates the whole command first, so every bad field is reported at once.
    """
    return _validated_admission(command).member_id


def _optional_siren(v: Violations, value: object) -> str | None:
    # A blank siren means "not given" (proto3 strings default to "").
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check.check_siren(v, "siren", value)


def _existing(state: MemberState | None) -> MemberState:
    if state is None:
        raise NotFound("member not found")
    if state.status is MemberStatus.LEFT:
        raise PreconditionFailed("member has left")
    return state


def _not_before_status(state: MemberState, on: date) -> None:
    if on < state.status_since:
        raise PreconditionFailed(
            f"on: {on.isoformat()} is before the member's last change of status "
            f"({state.status_since.isoformat()})"
        )


def _validated_admission(cmd: AdmitMember) -> MemberAdmitted:
    """Every field of an admission checked at once; the event it would record."""
    v = Violations()
    scheme = check.check_enum(v, "scheme", cmd.scheme, Scheme)
    kind = check.check_enum(v, "kind", cmd.kind, MemberKind)
    name = check.check_name(v, "name", cmd.name)
    siren = _optional_siren(v, cmd.siren)
    territory = check.check_text(
        v, "territory", cmd.territory, max_len=check.TERRITORY_MAX, required=False
    )
    contacts = check.check_contacts(v, "contacts", cmd.contacts)
    admitted_on = check.check_date(v, "admitted_on", cmd.admitted_on)
    paid_until: int | None = None
    if cmd.dues_paid_until is None:
        paid_until = admitted_on.year if admitted_on else None
    else:
        paid_until = check.check_year(v, "dues_paid_until", cmd.dues_paid_until)
        if paid_until is not None and admitted_on and paid_until < admitted_on.year - 1:
            v.add("dues_paid_until", "must be at least the year before admission")
    v.raise_if_any()
    assert scheme and kind and name and territory is not None and contacts is not None
    assert admitted_on and paid_until
    key = identity_key(name, siren)
    return MemberAdmitted(
        member_id=member_id_for(scheme, key),
        scheme=scheme,
        kind=kind,
        name=name,
        siren=siren,
        identity_key=key,
        territory=territory,
        contacts=contacts,
        admitted_on=admitted_on,
        dues_paid_until=paid_until,
    )


def _admit(state: MemberState | None, cmd: AdmitMember) -> list[MemberEvent]:
    admitted = _validated_admission(cmd)
    if state is not None:
        if state.status is MemberStatus.LEFT:
            raise PreconditionFailed("member has left")
        raise AlreadyExists(f"{admitted.name!r} is already a member of the {admitted.scheme.value} scheme")
    return [admitted]


def _update_profile(state: MemberState | None, cmd: UpdateMemberProfile) -> list[MemberEvent]:
    v = Violations()
    kind = None if cmd.kind is None else check.check_enum(v, "kind", cmd.kind, MemberKind)
    name = None if cmd.name is None else check.check_name(v, "name", cmd.name)
    siren = _optional_siren(v, cmd.siren)
    territory = None
    if cmd.territory is not None:
        territory = check.check_text(
            v, "territory", cmd.territory, max_len=check.TERRITORY_MAX, required=False
        )
    contacts = None if cmd.contacts is None else check.check_contacts(v, "contacts", cmd.contacts)
    v.raise_if_any()

    member = _existing(state)
    # The identity key names the stream (see shared.contracts.membership): it is fixed.
    if siren is not None and siren != member.siren:
        v.add("siren", IDENTITY_IS_FIXED)
    if name is not None and identity_key(name, member.siren) != member.identity_key:
        v.add("name", IDENTITY_IS_FIXED)
    v.raise_if_any()

    changed = {
        field: new
        for field, new in (
            ("kind", kind),
            ("name", name),
            ("territory", territory),
            ("contacts", contacts),
        )
        if new is not None and new != getattr(member, field)
    }
    if not changed:
        return []
    return [MemberProfileUpdated(member_id=member.member_id, scheme=member.scheme, **changed)]


def _suspend(state: MemberState | None, cmd: SuspendMember) -> list[MemberEvent]:
    v = Violations()
    reason = check.check_reason(v, "reason", cmd.reason)
    on = check.check_date(v, "on", cmd.on)
    v.raise_if_any()
    assert reason and on
    member = _existing(state)
    if member.status is MemberStatus.SUSPENDED:
        raise PreconditionFailed("member is already suspended")
    _not_before_status(member, on)
    return [MemberSuspended(member_id=member.member_id, scheme=member.scheme, reason=reason, on=on)]


def _reinstate(state: MemberState | None, cmd: ReinstateMember) -> list[MemberEvent]:
    v = Violations()
    on = check.check_date(v, "on", cmd.on)
    v.raise_if_any()
    assert on
    member = _existing(state)
    if member.status is not MemberStatus.SUSPENDED:
        raise PreconditionFailed("member is not suspended")
    _not_before_status(member, on)
    return [MemberReinstated(member_id=member.member_id, scheme=member.scheme, on=on)]


def _renew_dues(state: MemberState | None, cmd: RenewDues) -> list[MemberEvent]:
    v = Violations()
    year = check.check_year(v, "year", cmd.year)
    v.raise_if_any()
    assert year
    member = _existing(state)
    if year <= member.dues_paid_until:
        return []  # already recorded: a retried or duplicate renewal changes nothing
    if year > member.dues_paid_until + 1:
        # No silent gaps: each unpaid year is renewed (or not) on its own.
        raise PreconditionFailed(f"dues for {member.dues_paid_until + 1} must be renewed first")
    return [
        DuesRenewed(member_id=member.member_id, scheme=member.scheme, year=year, paid_until=year)
    ]


def _leave(state: MemberState | None, cmd: LeaveMember) -> list[MemberEvent]:
    v = Violations()
    reason = check.check_reason(v, "reason", cmd.reason)
    on = check.check_date(v, "on", cmd.on)
    v.raise_if_any()
    assert reason and on
    member = _existing(state)
    _not_before_status(member, on)
    return [MemberLeft(member_id=member.member_id, scheme=member.scheme, reason=reason, on=on)]
