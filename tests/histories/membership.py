"""A membership history made by the membership decider from random commands (seeded), plus
MemberAdmitted events stored in their v1 shape, so every read path meets the upcaster."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime

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
    initial,
)
from shared.contracts.membership import STREAM_TYPE, Contact, MemberAdmitted, Scheme, identity_key, member_id_for, membership_registry
from shared.domain.errors import DomainError
from shared.events.envelope import NewEvent
from tests.histories.base import Stored, interleaved, stored

KINDS = ["commune", "metropole", "region", "departement", "association", "agglomeration", "state_service"]
REASONS = ["dues unpaid", "budget\nvote", "merger", "asked to"]


def _commands(rng: random.Random, member_id: uuid.UUID, day: date):
    for _ in range(rng.randint(0, 6)):
        day = date.fromordinal(day.toordinal() + rng.randint(1, 200))
        choice = rng.random()
        if choice < 0.25:
            yield UpdateMemberProfile(member_id=member_id, territory=rng.choice(["", "Occitanie", "Bretagne"]),
                                      kind=rng.choice(KINDS),
                                      contacts=tuple(Contact(email=f"c{i}@example.fr", name=rng.choice([None, "Équipe"]))
                                                     for i in range(rng.randint(0, 3))))
        elif choice < 0.45:
            yield SuspendMember(member_id=member_id, reason=rng.choice(REASONS), on=day)
        elif choice < 0.65:
            yield ReinstateMember(member_id=member_id, on=day)
        elif choice < 0.9:
            yield RenewDues(member_id=member_id, year=min(2100, 2016 + rng.randint(0, 6)))
        else:
            yield LeaveMember(member_id=member_id, reason=rng.choice(REASONS), on=day)


def membership_history(seed: int = 27, members: int = 40) -> list[Stored]:
    rng = random.Random(seed)
    registry = membership_registry()
    history: list[Stored] = []
    for i in range(members):
        admitted_on = date(2016, 1, 1) + (date(2016, 1, 2) - date(2016, 1, 1)) * rng.randint(0, 700)
        admit = AdmitMember(scheme=rng.choice(["association", "halles_civiques"]), kind=rng.choice(KINDS),
                            name=f"Ville {i} de Saint-Étienne", territory=f"Territoire {i % 5}",
                            admitted_on=admitted_on,
                            contacts=(Contact(email=f"lab{i}@example.fr", name=f"Équipe {i}"),) if i % 2 else ())
        member_id = admission_member_id(admit)
        state = initial
        for command in [admit, *_commands(rng, member_id, admitted_on)]:
            try:
                events = decide(state, command)
            except DomainError:
                continue
            for event in events:
                state = evolve(state, event)
            history += stored(str(member_id), STREAM_TYPE, events, registry)
        if i % 10 == 0:
            history.append(_v1_admission(f"Commune historique {i}"))
    return interleaved(history, rng)


def _v1_admission(name: str) -> Stored:
    key = identity_key(name, None)
    member_id = member_id_for(Scheme.ASSOCIATION, key)
    data = {"member_id": str(member_id), "scheme": "association", "kind": "commune", "name": name,
            "siren": None, "identity_key": key, "territory": "", "contact_email": "old@example.fr",
            "admitted_on": "2015-05-05", "dues_paid_until": 2015}
    return Stored(str(member_id), STREAM_TYPE, NewEvent(event_id=uuid.uuid4(), type=MemberAdmitted.event_type,
                                                        schema_version=1, data=data, occurred_at=datetime.now(UTC)))

