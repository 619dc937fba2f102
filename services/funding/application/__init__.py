"""Funding application layer: commands (load, decide, append) and read-model queries."""
