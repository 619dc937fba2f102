"""The article's grant: Bloomberg Philanthropies, July 2017, EUR 860,000 for ten
administrations at EUR 86,000 each, 45% of each lab's cost. Commands and their events."""
from __future__ import annotations

import uuid
from datetime import date

from services.funding.domain import (
    Administration,
    AllocateShare,
    AwardGrant,
    WithAdministration,
    decide,
    evolve,
    initial,
)
from shared.contracts.funding import GrantAwarded, ShareAllocated, grant_id_for
from shared.contracts.membership import MemberStatus
from shared.domain.fields import Money
from tests.unit.given_when_then import Scenario

scenario = Scenario(initial, evolve, decide)
given = scenario.given

AWARDED_ON = date(2017, 7, 1)
GRANT_ID = grant_id_for("Bloomberg Philanthropies", AWARDED_ON)
SHARE = Money.of(8_600_000)  # EUR 86,000.00
COST = Money.of(19_111_111)  # EUR 191,111.11: 86,000 / 45%, half to even
LOCAL = Money.of(10_511_111)  # EUR 105,111.11
HALF = Money.of(4_300_000)

MULHOUSE = uuid.UUID("8c5e6d1e-0000-5000-8000-000000000001")
PARIS = uuid.UUID("8c5e6d1e-0000-5000-8000-000000000002")
LILLE = uuid.UUID("8c5e6d1e-0000-5000-8000-000000000003")

AWARD = AwardGrant(funder=" Bloomberg Philanthropies ", amount=Money.of(86_000_000), awarded_on=AWARDED_ON,
                   administrations=10, funder_share_bp=4500)

awarded = GrantAwarded(grant_id=GRANT_ID, funder="Bloomberg Philanthropies", amount=Money.of(86_000_000),
                       awarded_on=AWARDED_ON, administrations=10, funder_share_bp=4500, first_tranche_bp=5000)


def active(member_id: uuid.UUID, name: str = "Ville de Mulhouse", **cohort) -> Administration:
    return Administration(member_id, name=name, status=MemberStatus.ACTIVE, **cohort)


def allocate(member_id: uuid.UUID = MULHOUSE, amount: Money = SHARE, on: date = date(2017, 9, 1),
             administration: Administration | None = None) -> WithAdministration:
    command = AllocateShare(grant_id=GRANT_ID, member_id=member_id, amount=amount, allocated_on=on)
    return WithAdministration(command, administration or active(member_id))


def allocated(member_id: uuid.UUID = MULHOUSE, name: str = "Ville de Mulhouse", total: Money = SHARE,
              on: date = date(2017, 9, 1), closes: date | None = None) -> ShareAllocated:
    return ShareAllocated(grant_id=GRANT_ID, member_id=member_id, administration=name, amount=SHARE,
                          allocated_on=on, cost=COST, local_part=LOCAL, funder_share_bp=4500, first_tranche=HALF,
                          final_tranche=HALF, allocated_total=total, closes_designation_due_by=closes)
