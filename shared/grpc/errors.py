"""Turning exceptions (in shared.grpc.handlers' interceptor) into gRPC statuses with rich details.

Domain errors (and the store's WrongExpectedVersion, and pydantic validation errors) map
to the codes in docs/architecture.md; anything else is a bug: it is logged with its
traceback and the client gets INTERNAL with the correlation id, never UNKNOWN or a trace.
"""
from __future__ import annotations

import grpc
import structlog

from shared.grpc.correlation import current_correlation_id, new_correlation_id
from shared.grpc.status import (
    STATUS_DETAILS_KEY,
    expected_failure_status,
    internal_error_status,
    status_code_for,
)

log = structlog.get_logger("shared.grpc.errors")


async def abort_with_exception(context: grpc.aio.ServicerContext, exc: Exception) -> None:
    """End the call with the status ``exc`` maps to (always raises grpc.aio.AbortError)."""
    code = status_code_for(exc)
    if code is None:
        correlation_id = current_correlation_id() or new_correlation_id()
        log.error("grpc.internal_error", correlation_id=correlation_id, exc_info=exc)
        status = internal_error_status(correlation_id)
        code = grpc.StatusCode.INTERNAL
    else:
        log.info("grpc.refused", code=code.name, error=type(exc).__name__, message=str(exc))
        status = expected_failure_status(exc, code)
    # Keep trailers set earlier in the call (the correlation id): abort() replaces them.
    trailers = tuple(context.trailing_metadata() or ()) + ((STATUS_DETAILS_KEY, status.SerializeToString()),)
    await context.abort(code, status.message, trailers)
