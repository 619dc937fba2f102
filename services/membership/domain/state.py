"""A member as the decider sees it: folded from its events, never stored as such."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from shared.contracts.membership import Contact, MemberKind, MemberStatus, Scheme


@dataclass(frozen=True)
class MemberState:
    member_id: UUID
    scheme: Scheme
    kind: MemberKind
    name: str
    siren: str | None
    identity_key: str
    territory: str
    contacts: tuple[Contact, ...]
    admitted_on: date
    dues_paid_until: int
    status: MemberStatus
    status_since: date


# An empty stream: the organisation has never been admitted in this scheme.
initial: MemberState | None = None
