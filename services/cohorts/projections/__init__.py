"""Cohorts projections: read models of cohorts and agents, and the local view of membership."""
