"""Membership read models, projected from lab27.membership.events."""
