"""What comes with every command besides its fields: idempotency key, expected version, tokens.

Validated together with the command's own fields (shared.grpc.api builds both), so a bad
request id is reported beside a bad name, not instead of it.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from shared.application.consistency import decode_token
from shared.domain.errors import InvalidArgument
from shared.domain.fields import integer

MAX_REQUEST_ID = 128
MAX_VERSION = 2**31 - 1


def _request_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be a string")
    if len(value) > MAX_REQUEST_ID:
        raise PydanticCustomError("too_long", "at most {max} characters", {"max": MAX_REQUEST_ID})
    return value or None  # empty: the client opted out of idempotent retries


def _token(value: Any) -> dict[str, int]:
    if isinstance(value, dict):
        return value
    try:
        return decode_token(value if isinstance(value, str) else "")
    except InvalidArgument as refused:
        raise PydanticCustomError("token", refused.violations[0].description) from None


RequestId = Annotated[str | None, BeforeValidator(_request_id)]
ExpectedVersion = integer(0, MAX_VERSION)
After = Annotated[dict[str, int], BeforeValidator(_token)]


class RequestMeta(BaseModel):
    """``expected_version`` 0 means no check; ``after`` holds the positions of the
    consistency token the request carried (topic -> position)."""

    model_config = ConfigDict(frozen=True)

    request_id: RequestId = None
    expected_version: ExpectedVersion = 0
    consistency_token: After = Field(default_factory=dict)
    correlation_id: str | None = None
    causation_id: str | None = None  # the event that caused this command (a reaction's inbound event)

    @property
    def after(self) -> dict[str, int]:
        return self.consistency_token

    @property
    def expected(self) -> int | None:
        return self.expected_version or None
