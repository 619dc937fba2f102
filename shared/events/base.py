"""The base class of every domain event.

An event's identity on the wire is its stable ``event_type`` string plus ``schema_version``,
never the Python import path: moving a class must never break stored history.
"""
from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    # extra="ignore": consumers read tolerantly, a publisher may add fields compatibly.
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
