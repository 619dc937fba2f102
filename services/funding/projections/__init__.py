"""Funding's read models: the ledger (from lab27.funding.events) and its local view of
membership (from lab27.membership.events)."""
