"""Admission control: at most ``limit`` commands in flight in one API process.

Past saturation an open-loop client keeps sending; without a bound every call queues
(grpc's own queue, the store's writer), latency grows for all of them and calls end as
DEADLINE_EXCEEDED or CANCELLED, which tell a client nothing useful (measured at 1,000
calls/s on 2 cores: 46-686 CANCELLED in 3 runs of ~12, and nothing logged). With a bound, a
command past it is answered RESOURCE_EXHAUSTED at once, before any work, with
google.rpc.RetryInfo saying when to try again, and the commands admitted keep their latency.

A command is a method whose request has a ``request_id`` (every command's proto has one,
and no query's), read from the generated request class, so a new service's commands are
bounded with no code of its own; queries, health and reflection are never refused.
"""
from __future__ import annotations

import time
from typing import Any

import grpc
import structlog
from google.rpc import code_pb2, error_details_pb2, status_pb2

from shared.grpc.status import ERROR_DOMAIN, STATUS_DETAILS_KEY, _packed, retry_info

log = structlog.get_logger("shared.grpc.admission")
LOG_EVERY = 5.0  # seconds between two warnings while refusing


class Admission:
    """The in-flight count of one process's commands; ``limit`` 0 = no bound."""

    def __init__(self, limit: int, retry_after: float = 0.05) -> None:
        self.limit = limit
        self.retry_after = retry_after
        self.in_flight = 0
        self.refused = 0  # total, for the metric
        self._logged_at = 0.0
        self._refused_at_log = 0
        status = status_pb2.Status(
            code=code_pb2.RESOURCE_EXHAUSTED,
            message=f"overloaded: {limit} commands already in flight; retry after {retry_after:g} s",
            details=[_packed(retry_info(retry_after)),
                     _packed(error_details_pb2.ErrorInfo(reason="OVERLOADED", domain=ERROR_DOMAIN,
                                                         metadata={"max_in_flight": str(limit)}))])
        self._message = status.message
        self._details = status.SerializeToString()  # the same for every refusal: made once

    @property
    def bounded(self) -> bool:
        return self.limit > 0

    async def refuse(self, context: grpc.aio.ServicerContext) -> None:
        """RESOURCE_EXHAUSTED with its retry hint (raises grpc.aio.AbortError)."""
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            log.warning("grpc.overloaded", in_flight=self.in_flight, max_in_flight=self.limit,
                        refused=self.refused - self._refused_at_log)
            self._logged_at, self._refused_at_log = now, self.refused
        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, self._message,
                            ((STATUS_DETAILS_KEY, self._details),))


def is_command(handler: grpc.RpcMethodHandler) -> bool:
    """A unary method whose request message has a ``request_id`` field."""
    if not handler.unary_unary:
        return False
    message_type: Any = getattr(handler.request_deserializer, "__self__", None)
    descriptor = getattr(message_type, "DESCRIPTOR", None)
    return descriptor is not None and "request_id" in getattr(descriptor, "fields_by_name", {})
