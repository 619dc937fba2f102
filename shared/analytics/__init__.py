"""The analysts' tools behind the ``lab27`` CLI (shared/cli.py): export, rebuild, as-of."""
