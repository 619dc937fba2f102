"""The reference scenario: the history the article (../shared/seed/) tells, as data.

Faithful where the article says something (2018 interview with La 27e Région's délégué
général): about thirty members, local authorities and State services; the halles-civiques
collective of 17 organisations, La 27e Région, Démocratie ouverte and the DITP among them,
opening in Belleville in March 2018; Bloomberg Philanthropies' EUR 860,000 grant of July 2017
for ten administrations, EUR 86,000 each, 45% of the programme's cost; Mulhouse first (June
2016: library attendance, a culture discount card for the young), Dunkerque (energy-renovation
aid for low-income households), Occitanie (early 2017: HR and management after the regions'
merger, third places for agents travelling from Toulouse to Montpellier), Paris (the lab
created in May 2018: open data and citizen participation, an eco-gestures guide, tree pits
handled by five competing departments), Lille next (World Design Capital 2020), five more
administrations to be designated by 2019; twenty volunteer agents of categories A, B and C
per lab, 14 to 18 months, 35 to 40 days of absence each, coached by sociologists or
urbanists, prototypes tested in one-week cycles, some agents dropping out after a few weeks,
the return to their service the hard part; "Les Éclaireurs" workshops in 2018 (evaluation,
relations with elected officials).

Fictional where it says nothing: the other members' names and dates, the agents (names are
made up and sealed by cohorts as personal data), the venue's rooms and bookings, and the one
member of the collective that leaves it (to show its later bookings cancelled).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ASSOCIATION, COLLECTIVE = "association", "halles_civiques"


@dataclass(frozen=True)
class Member:
    key: str  # how the scenario refers to it
    name: str
    kind: str
    territory: str
    admitted_on: date
    siren: str | None = None


# --- membership: the association's members and the collective -------------------------------

ASSOCIATION_MEMBERS: tuple[Member, ...] = (
    Member("mulhouse", "Ville de Mulhouse", "commune", "Haut-Rhin", date(2015, 9, 1), "216802249"),
    Member("paris", "Ville de Paris", "commune", "Paris", date(2015, 3, 2), "217500016"),
    Member("dunkerque", "Communauté urbaine de Dunkerque", "communaute_urbaine", "Nord", date(2016, 1, 11)),
    Member("occitanie", "Région Occitanie", "region", "Occitanie", date(2016, 3, 1)),
    Member("lille", "Métropole européenne de Lille", "metropole", "Nord", date(2017, 10, 2)),
    Member("bretagne", "Région Bretagne", "region", "Bretagne", date(2014, 1, 6)),
    Member("pays_de_la_loire", "Région Pays de la Loire", "region", "Pays de la Loire", date(2014, 2, 3)),
    Member("nouvelle_aquitaine", "Région Nouvelle-Aquitaine", "region", "Nouvelle-Aquitaine", date(2016, 2, 1)),
    Member("hauts_de_france", "Région Hauts-de-France", "region", "Hauts-de-France", date(2016, 4, 4)),
    Member("grand_est", "Région Grand Est", "region", "Grand Est", date(2016, 5, 2)),
    Member("centre", "Région Centre-Val de Loire", "region", "Centre-Val de Loire", date(2015, 6, 1)),
    Member("bourgogne", "Région Bourgogne-Franche-Comté", "region", "Bourgogne-Franche-Comté", date(2016, 9, 5)),
    Member("normandie", "Région Normandie", "region", "Normandie", date(2017, 1, 9)),
    Member("nantes", "Nantes Métropole", "metropole", "Loire-Atlantique", date(2014, 9, 1)),
    Member("rennes", "Rennes Métropole", "metropole", "Ille-et-Vilaine", date(2015, 1, 5)),
    Member("grenoble", "Grenoble-Alpes Métropole", "metropole", "Isère", date(2015, 10, 5)),
    Member("bordeaux", "Bordeaux Métropole", "metropole", "Gironde", date(2016, 10, 3)),
    Member("arras", "Communauté urbaine d'Arras", "communaute_urbaine", "Pas-de-Calais", date(2017, 3, 6)),
    Member("poitiers", "Grand Poitiers", "agglomeration", "Vienne", date(2015, 11, 2)),
    Member("saint_malo", "Saint-Malo Agglomération", "agglomeration", "Ille-et-Vilaine", date(2016, 6, 6)),
    Member("besancon", "Grand Besançon", "agglomeration", "Doubs", date(2017, 2, 6)),
    Member("gironde", "Département de la Gironde", "departement", "Gironde", date(2014, 5, 5)),
    Member("loire_atlantique", "Département de Loire-Atlantique", "departement", "Loire-Atlantique",
           date(2015, 4, 6)),
    Member("nord", "Département du Nord", "departement", "Nord", date(2016, 11, 7)),
    Member("brest", "Ville de Brest", "commune", "Finistère", date(2014, 6, 2)),
    Member("lyon", "Ville de Lyon", "commune", "Rhône", date(2016, 12, 5)),
    Member("grenoble_ville", "Ville de Grenoble", "commune", "Isère", date(2017, 4, 3)),
    Member("strasbourg", "Ville de Strasbourg", "commune", "Bas-Rhin", date(2017, 5, 2)),
    Member("ditp", "Direction interministérielle de la transformation publique", "state_service", "France",
           date(2015, 2, 2)),
    Member("dreal_occitanie", "DREAL Occitanie", "state_service", "Occitanie", date(2017, 6, 6)),
)

HALLES_OPENING = date(2018, 3, 1)

# The collective of 17 that runs the halles civiques (member ids differ from the association's).
COLLECTIVE_MEMBERS: tuple[Member, ...] = (
    Member("c_27e_region", "La 27e Région", "association", "Paris", HALLES_OPENING),
    Member("c_democratie_ouverte", "Démocratie ouverte", "association", "Paris", HALLES_OPENING),
    Member("c_ditp", "Direction interministérielle de la transformation publique", "state_service", "France",
           HALLES_OPENING),
    Member("c_atelier_communs", "Atelier des communs", "association", "Paris", HALLES_OPENING),
    Member("c_belleville", "Belleville citoyenne", "association", "Paris", HALLES_OPENING),
    Member("c_civic_tech", "Réseau Civic Tech France", "association", "Paris", HALLES_OPENING),
    Member("c_fabrique", "La Fabrique de la participation", "association", "Paris", HALLES_OPENING),
    Member("c_democratie_locale", "Maison de la démocratie locale", "association", "Paris", HALLES_OPENING),
    Member("c_observatoire", "Observatoire de la participation", "association", "Paris", HALLES_OPENING),
    Member("c_vingtieme", "Ateliers citoyens du 20e", "association", "Paris", HALLES_OPENING),
    Member("c_mediation", "Médiation numérique Paris", "association", "Paris", HALLES_OPENING),
    Member("c_assemblees", "Coopérative des assemblées", "association", "Paris", HALLES_OPENING),
    Member("c_deliberations", "Laboratoire des délibérations", "association", "Paris", HALLES_OPENING),
    Member("c_tiers_lieu", "Tiers-lieu de Belleville", "association", "Paris", HALLES_OPENING),
    Member("c_voix", "Les Voix du quartier", "association", "Paris", HALLES_OPENING),
    Member("c_concertation", "Agence de la concertation", "association", "Paris", HALLES_OPENING),
    Member("c_transition", "Transition démocratique", "association", "Paris", HALLES_OPENING),
)

# The member of the collective that leaves it: its bookings after the date are cancelled.
LEAVES_COLLECTIVE = ("c_transition", date(2018, 6, 15), "moved its activities out of Paris")


# --- funding ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grant:
    funder: str = "Bloomberg Philanthropies"
    amount_cents: int = 860_000_00
    currency: str = "EUR"
    awarded_on: date = date(2017, 7, 3)
    administrations: int = 10
    funder_share_bp: int = 4500  # 45% of the programme's cost; the administrations bring 55%
    first_tranche_bp: int = 5000
    designations_due: int = 5
    designations_due_by: date = date(2019, 12, 31)


GRANT = Grant()
ALLOCATION_CENTS = 86_000_00


# --- cohorts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lab:
    host: str  # an ASSOCIATION_MEMBERS key
    theme: str
    statement: str
    planned_start: date
    duration_months: int
    allocated_on: date
    started_on: date | None = None
    completed_on: date | None = None
    withdrawals: int = 0  # agents who dropped out after a few weeks
    sprints: tuple[tuple[date, str, str], ...] = ()  # (starts on, prototype, outcome)
    coaches: tuple[tuple[str, str], ...] = ()  # (name, discipline)


LABS: tuple[Lab, ...] = (
    Lab("mulhouse", "Bibliothèque et jeunesse",
        "Augmenter la fréquentation de la médiathèque et créer une carte de réduction culturelle pour les "
        "jeunes.", date(2016, 6, 1), 18, date(2017, 7, 10), started_on=date(2016, 6, 1),
        completed_on=date(2017, 12, 1), withdrawals=2,
        sprints=((date(2016, 9, 5), "Médiathèque ouverte le dimanche", "validated"),
                 (date(2016, 10, 3), "Carte culture jeunes, maquette papier", "iterate"),
                 (date(2016, 11, 7), "Carte culture jeunes, test en boutique", "validated")),
        coaches=(("Claire Dubois", "sociologist"), ("Julien Moreau", "designer"))),
    Lab("occitanie", "RH et management après la fusion",
        "Marier les cultures Midi-Pyrénées et Languedoc-Roussillon ; des tiers-lieux partagés pour les "
        "agents de Toulouse qui se rendent à Montpellier.", date(2017, 1, 16), 18, date(2017, 7, 10),
        started_on=date(2017, 1, 16), withdrawals=3,
        sprints=((date(2017, 3, 6), "Tiers-lieu à Carcassonne", "iterate"),
                 (date(2017, 4, 3), "Réunions à distance entre sites", "validated")),
        coaches=(("Sophie Laurent", "urbanist"),)),
    Lab("dunkerque", "Rénovation énergétique",
        "Inciter les personnes précaires à mieux utiliser les aides à la rénovation énergétique de leur "
        "logement.", date(2017, 3, 6), 16, date(2017, 7, 10), started_on=date(2017, 3, 6), withdrawals=1,
        sprints=((date(2017, 5, 15), "Permanence énergie au marché", "validated"),),
        coaches=(("Antoine Petit", "sociologist"),)),
    Lab("paris", "Données ouvertes et participation citoyenne",
        "Relier le laboratoire aux actions sur l'ouverture des données et la participation citoyenne : un "
        "guide des écogestes dans les bâtiments administratifs, la gestion des pieds d'arbre que cinq "
        "services concurrents traitaient.", date(2018, 5, 14), 18, date(2017, 11, 6),
        started_on=date(2018, 5, 14), withdrawals=1,
        sprints=((date(2018, 5, 28), "Guide des écogestes", "iterate"),
                 (date(2018, 6, 11), "Pieds d'arbre : un guichet unique", "validated")),
        coaches=(("Léa Martin", "urbanist"), ("Hugo Bernard", "designer"))),
    Lab("lille", "Capitale mondiale du design 2020",
        "Préparer avec les agents la métropole capitale mondiale du design en 2020 : un service public "
        "conçu avec ses usagers.", date(2018, 9, 3), 14, date(2018, 4, 9),
        coaches=(("Camille Roux", "designer"),)),
)

AGENTS_PER_LAB = 20
CATEGORIES = ("A", "B", "C")
DEPARTMENTS = ("Culture", "Ressources humaines", "Espaces verts", "Finances", "Numérique", "Accueil",
               "Urbanisme", "Action sociale")
# Fictional agents' names (personal data: cohorts seals them with a key per agent).
FIRST_NAMES = ("Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hélène", "Inès", "Jérôme",
               "Karim", "Laure", "Mathieu", "Nadia", "Olivier", "Pauline", "Quentin", "Rachid", "Sarah", "Thomas")
LAST_NAMES = ("Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas",
              "Perrin", "Morin", "Mathieu", "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
              "Robin", "Masson")


@dataclass(frozen=True)
class Workshop:
    """ "Les Éclaireurs" (2018): workshops imagining tomorrow's administration."""

    host: str
    theme: str
    statement: str
    on: date
    days: int = 1
    agents: int = 12


WORKSHOPS: tuple[Workshop, ...] = (
    Workshop("bretagne", "Les Éclaireurs : l'évaluation",
             "Imaginer l'administration de demain : évaluer autrement les politiques publiques.", date(2018, 2, 8)),
    Workshop("nantes", "Les Éclaireurs : les relations avec les élus",
             "Imaginer l'administration de demain : agents et élus face à l'innovation.", date(2018, 4, 12)),
)


# --- bookings: the halles civiques, Belleville -------------------------------------------------

@dataclass(frozen=True)
class Space:
    name: str
    capacity: int
    opens: tuple[int, int] = (9, 0)
    closes: tuple[int, int] = (22, 0)
    days: tuple[int, ...] = (1, 2, 3, 4, 5, 6)  # ISO weekdays: Monday to Saturday
    min_minutes: int = 60
    max_minutes: int = 480


SPACES: tuple[Space, ...] = (
    Space("Grande halle", 120, max_minutes=720),
    Space("Salle des assemblées", 40),
    Space("Atelier", 20),
    Space("Salle de réunion", 12, min_minutes=30, max_minutes=240),
)
CLOSED_DAYS = ((date(2018, 5, 1), "Fête du travail"), (date(2018, 7, 14), "Fête nationale"))


@dataclass(frozen=True)
class Booking:
    key: str
    space: str
    organisation: str  # a COLLECTIVE_MEMBERS key
    day: date
    start: tuple[int, int]
    minutes: int
    title: str
    attendance: int


BOOKINGS: tuple[Booking, ...] = (
    Booking("opening", "Grande halle", "c_27e_region", date(2018, 3, 15), (18, 0), 240,
            "Ouverture des halles civiques", 110),
    Booking("do_atelier", "Atelier", "c_democratie_ouverte", date(2018, 3, 22), (14, 0), 180,
            "Atelier budget participatif", 18),
    Booking("ditp_labs", "Salle des assemblées", "c_ditp", date(2018, 4, 5), (9, 30), 210,
            "Rencontre des laboratoires d'innovation publique", 35),
    Booking("eclaireurs", "Salle de réunion", "c_27e_region", date(2018, 4, 12), (10, 0), 120,
            "Les Éclaireurs : préparation", 10),
    Booking("transition_mai", "Atelier", "c_transition", date(2018, 5, 17), (19, 0), 120,
            "Assemblée citoyenne du quartier", 20),
    Booking("transition_sept", "Salle des assemblées", "c_transition", date(2018, 9, 20), (19, 0), 150,
            "Forum de la transition démocratique", 38),
    Booking("transition_oct", "Atelier", "c_transition", date(2018, 10, 4), (18, 30), 120,
            "Atelier de rentrée", 15),
    Booking("civic_tech", "Grande halle", "c_civic_tech", date(2018, 6, 28), (9, 0), 480,
            "Journée civic tech", 90),
    Booking("observatoire", "Salle de réunion", "c_observatoire", date(2018, 9, 13), (14, 0), 90,
            "Comité de l'observatoire", 8),
)
# Of the leaving member's bookings, those after its departure are cancelled; earlier ones stay.

TODAY = date(2018, 6, 1)  # the article's moment, for "the next bookings" in the summary
