"""Read models: faust-driven runner, Postgres checkpoints, DLQ, rebuild and wait-for-position."""
from shared.projections.dead_letters import dlq_topic
from shared.projections.projection import BatchHandler, Handler, Projection
from shared.projections.runner import ProjectionRunner
from shared.projections.waiter import PositionWaiter

__all__ = ["BatchHandler", "Handler", "PositionWaiter", "Projection", "ProjectionRunner", "dlq_topic"]
