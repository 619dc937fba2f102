"""Exceptions -> google.rpc.Status, the rich error model gRPC clients decode.

The Status travels in the ``grpc-status-details-bin`` trailer (what grpcio-status's
rpc_status.to_status does), so grpcurl and every gRPC client library can show its details.
"""
from __future__ import annotations

import re

import grpc
import pydantic
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2

from shared.db import is_unavailable
from shared.domain import errors
from shared.domain.fields import violations
from shared.eventstore.base import WrongExpectedVersion

STATUS_DETAILS_KEY = "grpc-status-details-bin"
ERROR_DOMAIN = "lab27"

# Most specific first: a subclass of a domain error keeps its parent's code.
_CODES: tuple[tuple[type[BaseException], grpc.StatusCode], ...] = (
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (pydantic.ValidationError, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.PreconditionFailed, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.ConcurrencyConflict, grpc.StatusCode.ABORTED),
    (WrongExpectedVersion, grpc.StatusCode.ABORTED),
    (errors.Unavailable, grpc.StatusCode.UNAVAILABLE),
    # The generated base servicer raises it for a method the service does not implement.
    (NotImplementedError, grpc.StatusCode.UNIMPLEMENTED),
)


DATABASE_RETRY_SECONDS = 1  # the RetryInfo hint of a database outage: a restart takes seconds


def status_code_for(exc: BaseException) -> grpc.StatusCode | None:
    """The status code for an expected failure; None for a bug (-> INTERNAL)."""
    for exc_type, code in _CODES:
        if isinstance(exc, exc_type):
            return code
    if _database_unavailable(exc):
        return grpc.StatusCode.UNAVAILABLE
    return None


def _database_unavailable(exc: BaseException) -> bool:
    """A lost connection, a server starting up or shutting down (shared.db.is_unavailable): the
    client may retry the same request (its request id makes that safe)."""
    return not isinstance(exc, errors.DomainError) and is_unavailable(exc)


def _reason(exc: BaseException) -> str:
    # ErrorInfo.reason is UPPER_SNAKE: MemberHasLeft -> MEMBER_HAS_LEFT.
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).upper()


def _packed(message: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def _field_violations(exc: BaseException) -> list[error_details_pb2.BadRequest.FieldViolation]:
    if isinstance(exc, errors.InvalidArgument):
        return [
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in exc.violations
        ]
    assert isinstance(exc, pydantic.ValidationError)
    return [
        error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
        for v in violations(exc)
    ]


def _message(exc: BaseException) -> str:
    if _database_unavailable(exc):
        detail = str(exc) or type(exc).__name__
        return f"the database is unavailable ({detail}); retry the request"
    if isinstance(exc, pydantic.ValidationError):
        return "invalid argument: " + "; ".join(
            f"{v.field}: {v.description}" for v in _field_violations(exc)
        )
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__


def expected_failure_status(exc: BaseException, code: grpc.StatusCode) -> status_pb2.Status:
    """The rich status for a refusal the client can act on (a domain error)."""
    info_metadata: dict[str, str] = {}
    details: list[Message] = []
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        details.append(error_details_pb2.BadRequest(field_violations=_field_violations(exc)))
    elif code is grpc.StatusCode.FAILED_PRECONDITION:
        violation = error_details_pb2.PreconditionFailure.Violation(
            type=_reason(exc), subject=getattr(exc, "subject", ""), description=_message(exc)
        )
        details.append(error_details_pb2.PreconditionFailure(violations=[violation]))
    if isinstance(exc, WrongExpectedVersion):
        info_metadata = {
            "stream_id": exc.stream_id,
            "expected_version": str(exc.expected),
            "actual_version": str(exc.actual),
        }
    reason = _reason(exc)
    if _database_unavailable(exc):
        reason = "DATABASE_UNAVAILABLE"
        info_metadata = {"error": type(exc).__name__}
        details.append(retry_info(DATABASE_RETRY_SECONDS))
    details.append(error_details_pb2.ErrorInfo(reason=reason, domain=ERROR_DOMAIN, metadata=info_metadata))
    return status_pb2.Status(
        code=code.value[0], message=_message(exc), details=[_packed(d) for d in details]
    )


def retry_info(seconds: float) -> error_details_pb2.RetryInfo:
    """google.rpc.RetryInfo: how long a client should wait before sending the call again."""
    info = error_details_pb2.RetryInfo()
    info.retry_delay.FromNanoseconds(int(seconds * 1e9))
    return info


def internal_error_status(correlation_id: str) -> status_pb2.Status:
    """What a client learns of a bug: nothing but the id to find it in the logs."""
    return status_pb2.Status(
        code=code_pb2.INTERNAL,
        message=f"internal error (correlation id {correlation_id})",
        details=[_packed(error_details_pb2.RequestInfo(request_id=correlation_id))],
    )
