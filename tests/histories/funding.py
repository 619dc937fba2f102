"""A funding history made by the grant decider from random commands (seeded): a few grants,
each with designations, allocations (some refused), pledges, tranches falling due and paid,
freezes and unfreezes, so that every event type meets every read path."""
from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from services.funding.domain import (
    Administration,
    AllocateShare,
    AwardGrant,
    DisburseTranche,
    FreezeAllocation,
    MarkTrancheDue,
    PledgeCoFunding,
    RecordDesignationsDue,
    UnfreezeAllocation,
    WithAdministration,
    GrantState,
    award_grant_id,
    decide,
    evolve,
    fold,
    initial,
)
from shared.contracts.funding import STREAM_TYPE, Tranche, funding_registry
from shared.contracts.membership import MemberStatus
from shared.domain.errors import DomainError
from shared.domain.fields import Money
from tests.histories.base import Stored, interleaved, stored

FUNDERS = ["Bloomberg Philanthropies", "Fondation de France", "Banque des Territoires", "Union européenne"]
REASONS = ["left the association", "audit", "budget\nvote"]


def _administration(rng: random.Random, member_id: uuid.UUID, i: int, day: date) -> Administration:
    status = rng.choices([MemberStatus.ACTIVE, MemberStatus.SUSPENDED, None], weights=[8, 1, 1])[0]
    started = day - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.2 else None
    return Administration(member_id, name=None if status is None else f"Ville {i}", status=status,
                          cohort_id=uuid.uuid4() if started else None, cohort_started_on=started)


def _command(rng: random.Random, state: GrantState, members: list[uuid.UUID], day: date, share: int):
    """One command for the grant as it stands; mostly about administrations that have an allocation."""
    grant_id = state.grant_id
    allocated = list(state.allocations)
    member_id = rng.choice(allocated) if allocated and rng.random() < 0.85 else rng.choice(members)
    which = rng.choice(list(Tranche))
    choice = rng.random()
    if choice < 0.25:
        member_id = rng.choice(members)
        amount = Money.of(rng.choice([share, share, share // 3, share * 2]))
        return WithAdministration(AllocateShare(grant_id=grant_id, member_id=member_id, amount=amount,
                                                allocated_on=day),
                                  _administration(rng, member_id, members.index(member_id), day))
    if choice < 0.32:
        return RecordDesignationsDue(grant_id=grant_id, count=rng.randint(1, 3),
                                     due_by=date(2019 + rng.randint(0, 2), 12, 31))
    if choice < 0.42:
        amount = rng.choice([None, None, Money.of(share * 2)])
        return PledgeCoFunding(grant_id=grant_id, member_id=member_id, pledged_on=day, amount=amount)
    if choice < 0.62:
        return MarkTrancheDue(grant_id=grant_id, member_id=member_id, tranche=which, due_on=day,
                              cohort_id=rng.choice([None, uuid.uuid4()]))
    if choice < 0.85:
        return DisburseTranche(grant_id=grant_id, member_id=member_id, tranche=which, disbursed_on=day)
    if choice < 0.93:
        return FreezeAllocation(grant_id=grant_id, member_id=member_id, reason=rng.choice(REASONS), on=day)
    return UnfreezeAllocation(grant_id=grant_id, member_id=member_id, reason="reinstated", on=day)


def funding_history(seed: int = 45, grants: int = 5) -> list[Stored]:
    rng = random.Random(seed)
    registry = funding_registry()
    history: list[Stored] = []
    for i in range(grants):
        administrations = rng.randint(2, 10)
        share = rng.choice([8_600_000, 1_000_001, 333_333])
        award = AwardGrant(funder=rng.choice(FUNDERS), amount=Money.of(share * administrations),
                           awarded_on=date(2017, 1, 1) + timedelta(days=97 * i), administrations=administrations,
                           funder_share_bp=rng.choice([4500, 3333, 10000, 7]),
                           first_tranche_bp=rng.choice([5000, 3000, 1]))
        grant_id = award_grant_id(award)
        members = [uuid.uuid5(grant_id, str(m)) for m in range(administrations + 2)]
        awarded = decide(initial, award)
        state = fold(awarded)
        history += stored(str(grant_id), STREAM_TYPE, awarded, registry)
        day = award.awarded_on
        for _ in range(rng.randint(20, 50)):
            day += timedelta(days=rng.randint(0, 60))
            try:
                events = decide(state, _command(rng, state, members, day, share))
            except DomainError:
                continue
            for event in events:
                state = evolve(state, event)
            history += stored(str(grant_id), STREAM_TYPE, events, registry)
    return interleaved(history, rng)
