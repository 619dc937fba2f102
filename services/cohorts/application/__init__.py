"""Cohorts application layer: commands (seal, check outside facts, load, decide, append) and read-model queries."""
