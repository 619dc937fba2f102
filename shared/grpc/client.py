"""Client side of the error model: read the rich details out of a failed call.

    try:
        await stub.AdmitMember(request)
    except grpc.aio.AioRpcError as error:
        field_violations(error)  # [FieldViolation("name", "must not be empty")]
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

from shared.domain.errors import FieldViolation
from shared.grpc.correlation import CORRELATION_ID_KEY
from shared.grpc.status import STATUS_DETAILS_KEY


def _metadata_value(metadata: Iterable[Any] | None, key: str) -> str | bytes | None:
    for item_key, value in metadata or ():
        if item_key == key:
            return value
    return None


def rich_status(error: grpc.RpcError) -> status_pb2.Status | None:
    """The google.rpc.Status the server attached, or None if it sent none."""
    raw = _metadata_value(error.trailing_metadata(), STATUS_DETAILS_KEY)
    return status_pb2.Status.FromString(raw) if isinstance(raw, bytes) else None


def _details_of_type(error: grpc.RpcError, message_type: type[Message]) -> list[Message]:
    status = rich_status(error)
    found = []
    for detail in status.details if status else ():
        if detail.Is(message_type.DESCRIPTOR):
            message = message_type()
            detail.Unpack(message)
            found.append(message)
    return found


def field_violations(error: grpc.RpcError) -> list[FieldViolation]:
    """Every BadRequest field violation of an INVALID_ARGUMENT error, in order."""
    return [
        FieldViolation(field=v.field, description=v.description)
        for bad_request in _details_of_type(error, error_details_pb2.BadRequest)
        for v in bad_request.field_violations
    ]


def precondition_violations(error: grpc.RpcError) -> list[error_details_pb2.PreconditionFailure.Violation]:
    return [
        v
        for failure in _details_of_type(error, error_details_pb2.PreconditionFailure)
        for v in failure.violations
    ]


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    """The machine-readable reason (e.g. "MEMBER_HAS_LEFT") of a domain error."""
    infos = _details_of_type(error, error_details_pb2.ErrorInfo)
    return infos[0] if infos else None


def retry_delay(error: grpc.RpcError) -> float | None:
    """Seconds the server asked the client to wait before retrying (google.rpc.RetryInfo), if it said."""
    infos = _details_of_type(error, error_details_pb2.RetryInfo)
    return infos[0].retry_delay.ToNanoseconds() / 1e9 if infos else None


def correlation_id_of(trailing_metadata: Iterable[Any] | None) -> str | None:
    """The correlation id the server echoed (pass ``error.trailing_metadata()`` or
    ``await call.trailing_metadata()``)."""
    value = _metadata_value(trailing_metadata, CORRELATION_ID_KEY)
    return value if isinstance(value, str) else None
