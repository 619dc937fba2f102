"""Sample members from the article, as commands and the events they produce."""
from __future__ import annotations

from datetime import date

from services.membership.domain import decide, evolve, initial
from shared.contracts.membership import (
    Contact,
    MemberAdmitted,
    MemberKind,
    Scheme,
    identity_key,
    member_id_for,
)
from tests.unit.given_when_then import Scenario

scenario = Scenario(initial, evolve, decide)
given = scenario.given

PARIS_SIREN = "217500016"
PARIS_KEY = identity_key("Ville de Paris", PARIS_SIREN)
PARIS_ID = member_id_for(Scheme.ASSOCIATION, PARIS_KEY)
ADMITTED_ON = date(2016, 1, 15)
CONTACT = Contact(email="lab@paris.fr", name="Lab team", role="lab lead")

paris_admitted = MemberAdmitted(
    member_id=PARIS_ID,
    scheme=Scheme.ASSOCIATION,
    kind=MemberKind.COMMUNE,
    name="Ville de Paris",
    siren=PARIS_SIREN,
    identity_key=PARIS_KEY,
    territory="Paris",
    contacts=(CONTACT,),
    admitted_on=ADMITTED_ON,
    dues_paid_until=2016,
)

DITP_KEY = identity_key("DITP", None)
DITP_ID = member_id_for(Scheme.HALLES_CIVIQUES, DITP_KEY)
ditp_admitted = MemberAdmitted(
    member_id=DITP_ID,
    scheme=Scheme.HALLES_CIVIQUES,
    kind=MemberKind.STATE_SERVICE,
    name="DITP",
    siren=None,
    identity_key=DITP_KEY,
    territory="",
    contacts=(),
    admitted_on=date(2018, 3, 1),
    dues_paid_until=2018,
)
