"""Read models: declared once (readmodel.py), applied live (applier.py, runner.py) and rebuilt
(rebuild.py) from that declaration; checkpoints, DLQ and wait-for-position beside them."""
from shared.projections.dead_letters import dlq_topic
from shared.projections.readmodel import EventMeta, ReadModel, Row, Table, sql
from shared.projections.runner import ProjectionRunner
from shared.projections.waiter import PositionWaiter

__all__ = ["EventMeta", "PositionWaiter", "ProjectionRunner", "ReadModel", "Row", "Table", "dlq_topic", "sql"]
