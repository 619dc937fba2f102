"""Membership reacts to no other context: it only publishes (see shared.contracts.membership)."""
