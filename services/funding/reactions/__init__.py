"""Funding's reactions to cohorts (a tranche falls due) and to membership (a departure
freezes what is undisbursed): phase B, on the kit's reactions."""
