"""Query filters checked by the kit's field types, like a command's fields."""
from __future__ import annotations

from pydantic import BaseModel

from shared.domain.fields import BusinessDate


class DueBy(BaseModel):
    due_by: BusinessDate | None = None
