"""The envelope every stored and published event travels in."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class NewEvent(BaseModel):
    """An event decided but not yet stored: the store assigns version and position."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    type: str
    schema_version: int = 1
    data: dict[str, Any]
    occurred_at: datetime
    correlation_id: str | None = None
    causation_id: str | None = None


class Envelope(BaseModel):
    """A stored event: the JSON value on ``lab27.<service>.events`` and a row of ``events``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    type: str
    schema_version: int = Field(ge=1)
    stream_id: str
    stream_type: str
    version: int = Field(ge=1)
    position: int = Field(ge=1)
    occurred_at: datetime  # business time, decided by the command
    recorded_at: datetime  # when the store committed it
    correlation_id: str | None = None
    causation_id: str | None = None
    producer: str
    data: dict[str, Any]
