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
    MemberLeft,
    MemberProfileUpdated,
    MemberReinstated,
    MemberStatus,
    MemberSuspended,
    identity_key,
    member_id_for,
)
from shared.domain.errors import AlreadyExists, NotFound, PreconditionFailed, Violations
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
    """The stream an admission targets (so the caller can load it before deciding)."""
    return member_id_for(command.scheme, identity_key(command.name, command.siren))


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


def _admit(state: MemberState | None, cmd: AdmitMember) -> list[MemberEvent]:
    key = identity_key(cmd.name, cmd.siren)
    admitted = MemberAdmitted(
        member_id=member_id_for(cmd.scheme, key),
        scheme=cmd.scheme,
        kind=cmd.kind,
        name=cmd.name,
        siren=cmd.siren,
        identity_key=key,
        territory=cmd.territory,
        contacts=tuple(c.as_contact() for c in cmd.contacts),
        admitted_on=cmd.admitted_on,
        dues_paid_until=cmd.admitted_on.year if cmd.dues_paid_until is None else cmd.dues_paid_until,
    )
    if state is not None:
        if state.status is MemberStatus.LEFT:
            raise PreconditionFailed("member has left")
        raise AlreadyExists(f"{admitted.name!r} is already a member of the {admitted.scheme.value} scheme")
    return [admitted]


def _update_profile(state: MemberState | None, cmd: UpdateMemberProfile) -> list[MemberEvent]:
    member = _existing(state)
    # The identity key names the stream (see shared.contracts.membership): it is fixed.
    v = Violations()
    if cmd.siren is not None and cmd.siren != member.siren:
        v.add("siren", IDENTITY_IS_FIXED)
    if cmd.name is not None and identity_key(cmd.name, member.siren) != member.identity_key:
        v.add("name", IDENTITY_IS_FIXED)
    v.raise_if_any()

    contacts = None if cmd.contacts is None else tuple(c.as_contact() for c in cmd.contacts)
    changed = {
        field: new
        for field, new in (
            ("kind", cmd.kind),
            ("name", cmd.name),
            ("territory", cmd.territory),
            ("contacts", contacts),
        )
        if new is not None and new != getattr(member, field)
    }
    if not changed:
        return []
    return [MemberProfileUpdated(member_id=member.member_id, scheme=member.scheme, **changed)]


def _suspend(state: MemberState | None, cmd: SuspendMember) -> list[MemberEvent]:
    member = _existing(state)
    if member.status is MemberStatus.SUSPENDED:
        raise PreconditionFailed("member is already suspended")
    _not_before_status(member, cmd.on)
    return [MemberSuspended(member_id=member.member_id, scheme=member.scheme, reason=cmd.reason, on=cmd.on)]


def _reinstate(state: MemberState | None, cmd: ReinstateMember) -> list[MemberEvent]:
    member = _existing(state)
    if member.status is not MemberStatus.SUSPENDED:
        raise PreconditionFailed("member is not suspended")
    _not_before_status(member, cmd.on)
    return [MemberReinstated(member_id=member.member_id, scheme=member.scheme, on=cmd.on)]


def _renew_dues(state: MemberState | None, cmd: RenewDues) -> list[MemberEvent]:
    year = cmd.year
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
    member = _existing(state)
    _not_before_status(member, cmd.on)
    return [MemberLeft(member_id=member.member_id, scheme=member.scheme, reason=cmd.reason, on=cmd.on)]
