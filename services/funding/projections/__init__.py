"""Funding's read models: the ledger (from lab27.funding.events) and its local views of
membership (lab27.membership.events) and of cohorts (lab27.cohorts.events)."""
