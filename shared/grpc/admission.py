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

The count alone is not enough: a call reaches Python only when the process's event loop
takes it from grpc's C core (grpc.aio takes one at a time, each after a loop turn), and a
loop busy with admitted commands takes them late, so the real queue forms in the C core,
out of the count's sight. Measured at 2,000 calls/s on this 2-core machine: 288 refused,
4,112 CANCELLED by the C core dropping its backlog of calls not yet taken (past 1,000 of
them, its default), the rest served after 4 s. Hence two more things:
- the loop's own lateness is watched (``max_lag``: a sleep that wakes late at two looks
  running) while at least a quarter of the bound is in flight (below, lateness refuses
  nothing, so an idle process has no watch waking it); while it is late, commands past a
  quarter of the bound are refused too, and a
  refusal costs a fraction of a command, so the loop turns faster and takes calls sooner (a
  few callers on a machine busy with other processes make the loop late too, but queue
  nothing: they are not refused);
- shared.grpc.server lets the C core keep its backlog (grpc.server.max_pending_requests)
  instead of cancelling it, so every call gets an answer from here: served, or refused.
Under such an overload a refusal is "at once" from the moment the loop takes the call, not
from its arrival: the wait in the C core remains (seconds at twice saturation here).
"""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import grpc
import structlog
from google.rpc import code_pb2, error_details_pb2, status_pb2

from shared.grpc.status import ERROR_DOMAIN, STATUS_DETAILS_KEY, _packed, retry_info

log = structlog.get_logger("shared.grpc.admission")
LOG_EVERY = 5.0  # seconds between two warnings while refusing
LAG_INTERVAL = 0.025  # seconds between two looks at the loop's lateness (40 wake-ups a second)
# A late loop refuses only with at least limit / LAG_SHARE commands in flight: a few callers
# on a machine that other processes keep busy make the loop late too, and queue nothing.
LAG_SHARE = 4


class Admission:
    """The in-flight count of one process's commands; ``limit`` 0 = no bound. ``max_lag``:
    seconds the event loop may run late before commands are refused too (0: not watched)."""

    def __init__(self, limit: int, retry_after: float = 0.05, max_lag: float = 0.02) -> None:
        self.limit = limit
        self.retry_after = retry_after
        self.max_lag = max_lag
        self.in_flight = 0
        self.refused = 0  # total, for the metric
        self.lagging = False  # the loop woke more than max_lag late at its last look
        self._watching = False  # start() was called: watch the loop while enough is in flight
        self._watch: asyncio.Task | None = None
        self._logged_at = 0.0
        self._refused_at_log = 0
        self._lag_floor = max(1, limit // LAG_SHARE)
        # What a refusal says, made once: past the bound, or with the loop running late.
        self._full = self._status(f"overloaded: {limit} commands already in flight", "max_in_flight")
        self._late = self._status("overloaded: commands are waiting to be taken", "loop_late")

    def _status(self, why: str, cause: str) -> tuple[str, bytes]:
        status = status_pb2.Status(
            code=code_pb2.RESOURCE_EXHAUSTED, message=f"{why}; retry after {self.retry_after:g} s",
            details=[_packed(retry_info(self.retry_after)),
                     _packed(error_details_pb2.ErrorInfo(reason="OVERLOADED", domain=ERROR_DOMAIN,
                                                         metadata={"cause": cause,
                                                                   "max_in_flight": str(self.limit)}))])
        return status.message, status.SerializeToString()

    @property
    def bounded(self) -> bool:
        return self.limit > 0

    def admits(self) -> bool:
        if self._watching and self._watch is None and self.in_flight >= self._lag_floor:
            self._watch = asyncio.create_task(self._watch_lag(), name="admission-lag")
        return self.in_flight < (self._lag_floor if self.lagging else self.limit)

    async def start(self) -> None:
        """Watch the running loop's lateness under load (call from the loop that serves the calls)."""
        self._watching = self.bounded and self.max_lag > 0

    async def stop(self) -> None:
        self._watching = False
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None

    async def _watch_lag(self) -> None:
        """Late at two looks running: a loop that stays behind, not one pause (a GC, a few
        ms of CPU given to another process on a busy machine), which would refuse for nothing."""
        loop = asyncio.get_running_loop()
        late_before = False
        while True:
            before = loop.time()
            await asyncio.sleep(LAG_INTERVAL)
            late = loop.time() - before - LAG_INTERVAL > self.max_lag
            self.lagging = late and late_before
            if not (late or late_before) and self.in_flight < self._lag_floor:
                self._watch = None  # quiet again: the next busy moment starts another watch
                return
            late_before = late

    async def refuse(self, context: grpc.aio.ServicerContext) -> None:
        """RESOURCE_EXHAUSTED with its retry hint (raises grpc.aio.AbortError)."""
        self.refused += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            log.warning("grpc.overloaded", in_flight=self.in_flight, max_in_flight=self.limit,
                        loop_late=self.lagging, refused=self.refused - self._refused_at_log)
            self._logged_at, self._refused_at_log = now, self.refused
        message, details = self._full if self.in_flight >= self.limit else self._late
        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, message, ((STATUS_DETAILS_KEY, details),))


def is_command(handler: grpc.RpcMethodHandler) -> bool:
    """A unary method whose request message has a ``request_id`` field."""
    if not handler.unary_unary:
        return False
    message_type: Any = getattr(handler.request_deserializer, "__self__", None)
    descriptor = getattr(message_type, "DESCRIPTOR", None)
    return descriptor is not None and "request_id" in getattr(descriptor, "fields_by_name", {})
