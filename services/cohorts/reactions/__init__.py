"""Cohorts' reactions to other services' events (process managers): membership -> holds."""
