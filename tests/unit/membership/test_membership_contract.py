"""The public contract: stored event versions keep loading, identities stay stable."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from shared.contracts.membership import (
    MEMBERSHIP_EVENTS,
    Contact,
    MemberAdmitted,
    Scheme,
    identity_key,
    member_id_for,
    membership_registry,
    normalise_name,
)
from tests.unit.membership.examples import paris_admitted

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events" / "membership"
STORED = sorted(FIXTURES.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_version_of_every_event_has_a_fixture():
    kept = {(f["type"], f["schema_version"]) for f in map(load, STORED)}
    written = {
        (model.event_type, version)
        for model in MEMBERSHIP_EVENTS
        for version in range(1, model.schema_version + 1)
    }
    assert written <= kept, "add a fixture in tests/fixtures/events/membership for each version"


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
def test_every_stored_fixture_still_loads(path):
    stored = load(path)
    registry = membership_registry()
    event = registry.decode(stored["type"], stored["schema_version"], stored["data"])
    assert event.event_type == stored["type"]
    if stored["schema_version"] == type(event).schema_version:
        assert registry.encode(event)[2] == stored["data"]  # current versions round-trip exactly


def test_admitted_v1_single_email_becomes_a_contacts_list():
    stored = load(FIXTURES / "MemberAdmitted.v1.json")
    event = membership_registry().decode(stored["type"], 1, stored["data"])
    assert event == paris_admitted.model_copy(update={"contacts": (Contact(email="lab@paris.fr"),)})


def test_admitted_v1_without_email_has_no_contacts():
    data = {**load(FIXTURES / "MemberAdmitted.v1.json")["data"], "contact_email": None}
    event = membership_registry().decode(MemberAdmitted.event_type, 1, data)
    assert event.contacts == ()


def test_type_strings_are_stable_and_not_import_paths():
    assert {m.event_type for m in MEMBERSHIP_EVENTS} == {
        "membership.MemberAdmitted",
        "membership.MemberProfileUpdated",
        "membership.MemberSuspended",
        "membership.MemberReinstated",
        "membership.DuesRenewed",
        "membership.MemberLeft",
    }
    assert MemberAdmitted.schema_version == 2


def test_each_registry_is_fresh():
    assert membership_registry() is not membership_registry()


# --- identity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Métropole  de-Lille", "metropole de lille"),
        ("  RÉGION Occitanie / Pyrénées–Méditerranée ", "region occitanie pyrenees mediterranee"),
        ("Communauté urbaine de Dunkerque", "communaute urbaine de dunkerque"),
        ("ﬁnances", "finances"),  # NFKD folds the ligature
    ],
)
def test_normalise_name(name, normalised):
    assert normalise_name(name) == normalised


def test_identity_key_prefers_the_siren_and_never_collides_with_a_name():
    assert identity_key("Ville de Paris", "217500016") == "siren:217500016"
    assert identity_key("217500016", None) == "name:217500016"


def test_member_ids_are_pinned():
    # Changing the namespace or the key format would orphan every stored stream.
    key = identity_key("Ville de Paris", "217500016")
    assert member_id_for(Scheme.ASSOCIATION, key) == uuid.UUID("214c5593-46da-5cac-b518-f0792e6fe642")
    assert member_id_for("association", key) == member_id_for(Scheme.ASSOCIATION, key)
    assert member_id_for(Scheme.HALLES_CIVIQUES, key) != member_id_for(Scheme.ASSOCIATION, key)
