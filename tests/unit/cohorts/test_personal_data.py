"""Sealing an agent's personal data (pure): AES-256-GCM, bound to its agent, never in clear."""
from __future__ import annotations

import base64
import uuid

from services.cohorts.application.personal_data import AgentDetails, fingerprint, new_key, seal, unseal

COHORT, AGENT, KEY_ID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
DETAILS = AgentDetails(name="Zéphyrine Quatremare", email="zq@ville.fr")


def test_sealed_data_opens_with_its_key_for_its_agent_only():
    key = new_key()
    sealed = seal(key, KEY_ID, COHORT, AGENT, DETAILS)
    assert sealed.key_id == KEY_ID and sealed.algorithm == "AES-256-GCM"
    assert unseal(key, sealed, COHORT, AGENT) == DETAILS
    assert unseal(new_key(), sealed, COHORT, AGENT) is None  # another key
    assert unseal(key, sealed, COHORT, uuid.uuid4()) is None  # copied onto another agent
    assert unseal(key, sealed, uuid.uuid4(), AGENT) is None  # or another cohort


def test_the_ciphertext_holds_nothing_readable_and_differs_each_time():
    key = new_key()
    first, second = seal(key, KEY_ID, COHORT, AGENT, DETAILS), seal(key, KEY_ID, COHORT, AGENT, DETAILS)
    raw = base64.b64decode(first.ciphertext)
    assert "Quatremare".encode() not in raw and "Zéphyrine".encode() not in raw and b"ville.fr" not in raw
    assert first.ciphertext != second.ciphertext  # a fresh nonce per sealing


def test_a_tampered_ciphertext_does_not_open():
    key = new_key()
    sealed = seal(key, KEY_ID, COHORT, AGENT, DETAILS)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[-1] ^= 1
    tampered = sealed.model_copy(update={"ciphertext": base64.b64encode(bytes(raw)).decode()})
    assert unseal(key, tampered, COHORT, AGENT) is None


def test_the_details_never_show_in_a_repr():
    assert "Quatremare" not in repr(DETAILS) and "zq@" not in repr(DETAILS)


def test_one_person_one_fingerprint_per_cohort():
    by_email = fingerprint(COHORT, DETAILS, "Culture")
    assert by_email == fingerprint(COHORT, AgentDetails(name="Z. Q.", email="ZQ@Ville.fr"), "RH")
    assert by_email != fingerprint(uuid.uuid4(), DETAILS, "Culture")
    no_email = AgentDetails(name="Jean-Marc Lefèvre")
    assert fingerprint(COHORT, no_email, "Culture") == fingerprint(
        COHORT, AgentDetails(name=" jean-marc  LEFEVRE "), "culture")
    assert fingerprint(COHORT, no_email, "Culture") != fingerprint(COHORT, no_email, "Espaces verts")
    assert "Lef".encode() not in fingerprint(COHORT, no_email, "Culture")
