"""The public contract: the co-funding arithmetic and its rounding rule, stable ids and type
strings (stored fixtures are loaded by tests/unit/test_events.py)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from shared.contracts.funding import (
    FUNDING_EVENTS,
    Tranche,
    co_funding,
    divide_half_even,
    funding_registry,
    grant_id_for,
    tranche_split,
)
from shared.domain.fields import Money


def test_the_articles_figures():
    # EUR 86,000 at 45%: a lab costs EUR 191,111.11, the administration brings EUR 105,111.11.
    split = co_funding(Money.of(8_600_000), 4500)
    assert split == (Money.of(19_111_111), Money.of(8_600_000), Money.of(10_511_111))
    # Ten such labs are the EUR 860,000 grant, 45% of the programme.
    assert co_funding(Money.of(86_000_000), 4500).cost == Money.of(191_111_111)


@pytest.mark.parametrize(("numerator", "denominator", "rounded"), [
    (5, 2, 2), (7, 2, 4), (15, 10, 2), (25, 10, 2), (26, 10, 3), (24, 10, 2), (1, 3, 0), (2, 3, 1),
    (-5, 2, -2), (-7, 2, -4), (0, 7, 0),
])
def test_ties_go_to_the_even_cent(numerator, denominator, rounded):
    assert divide_half_even(numerator, denominator) == rounded


def test_a_cost_exactly_between_two_cents_goes_to_the_even_one():
    assert co_funding(Money.of(2), 8000).cost == Money.of(2)  # 2.5 cents
    assert co_funding(Money.of(6), 8000).cost == Money.of(8)  # 7.5 cents
    assert co_funding(Money.of(6), 8000).local_part == Money.of(2)


def test_the_tranches_add_up_to_the_allocation_and_their_tie_goes_to_the_even_cent():
    assert tranche_split(Money.of(8_600_000), 5000) == {Tranche.FIRST: Money.of(4_300_000),
                                                       Tranche.FINAL: Money.of(4_300_000)}
    assert tranche_split(Money.of(1), 5000) == {Tranche.FIRST: Money.of(0), Tranche.FINAL: Money.of(1)}
    assert tranche_split(Money.of(3), 5000) == {Tranche.FIRST: Money.of(2), Tranche.FINAL: Money.of(1)}
    assert tranche_split(Money.of(100_001, "USD"), 3000)[Tranche.FINAL] == Money.of(70_001, "USD")


def test_a_funder_paying_everything_leaves_no_local_part():
    assert co_funding(Money.of(8_600_000), 10_000).local_part == Money.of(0)


def test_grant_ids_are_pinned():
    # Changing the namespace or the key would orphan every stored stream.
    pinned = uuid.UUID("bf424db2-e069-5f40-ae17-2d0cd27f5078")
    assert grant_id_for("Bloomberg Philanthropies", date(2017, 7, 1)) == pinned
    assert grant_id_for("  bloomberg   PHILANTHROPIES", date(2017, 7, 1)) == grant_id_for("Bloomberg Philanthropies",
                                                                                        date(2017, 7, 1))
    assert grant_id_for("Bloomberg Philanthropies", date(2017, 7, 2)) != grant_id_for("Bloomberg Philanthropies",
                                                                                     date(2017, 7, 1))


def test_type_strings_are_stable_and_not_import_paths():
    assert {m.event_type for m in FUNDING_EVENTS} == {
        "funding.GrantAwarded", "funding.DesignationsRecorded", "funding.ShareAllocated", "funding.CoFundingPledged",
        "funding.TrancheFellDue", "funding.TrancheDisbursed", "funding.AllocationFrozen", "funding.AllocationUnfrozen",
    }
    assert {m.schema_version for m in FUNDING_EVENTS} == {1}


def test_each_registry_is_fresh():
    assert funding_registry() is not funding_registry()


def test_consumers_read_tolerantly():
    stored = {"grant_id": str(uuid.uuid4()), "member_id": str(uuid.uuid4()), "tranche": "first",
              "amount": {"amount_cents": 1, "currency": "EUR"}, "due_on": "2018-01-01", "added_later": True}
    event = funding_registry().decode("funding.TrancheFellDue", 1, stored)
    assert event.cohort_id is None and event.tranche is Tranche.FIRST
