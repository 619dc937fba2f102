"""Funding's reactions: a lab's start and completion make its host's tranches due (cohorts),
a departure from the association freezes what is undisbursed (membership)."""
from services.funding.reactions.departures import DEPARTURES
from services.funding.reactions.tranches import TRANCHES_DUE

REACTIONS = (TRANCHES_DUE, DEPARTURES)

__all__ = ["DEPARTURES", "REACTIONS", "TRANCHES_DUE"]
