"""Keyset paging over read models: stable pages while rows are added, in a query's sort order.

A page token is the sort key of the last row served, opaque to clients (base64 of JSON); the
next page starts strictly after it, so rows inserted meanwhile never shift or repeat a page.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.errors import InvalidArgument, Violations

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
MAX_TOKEN_LENGTH = 2000


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_page_token: str
    total_size: int


def page_size(requested: int, violations: Violations | None = None, field: str = "page.page_size") -> int:
    """The page size to use: the default for 0; a size out of range is reported on ``field``."""
    if 0 <= requested <= MAX_PAGE_SIZE:
        return requested or DEFAULT_PAGE_SIZE
    message = f"must be between 0 and {MAX_PAGE_SIZE}"
    if violations is None:
        raise InvalidArgument.of(field, message)
    violations.add(field, message)
    return DEFAULT_PAGE_SIZE


def encode_page_token(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(v) if not isinstance(v, (int, str)) else v
                                                for v in key]).encode()).decode()


def decode_page_token(token: str, *types: Callable[[Any], Any], field: str = "page.page_token") -> list[Any]:
    """The sort key a token holds, each part converted by its type (``str``, ``UUID``...), or
    InvalidArgument if we never issued it."""
    try:
        if len(token) <= MAX_TOKEN_LENGTH:
            key = json.loads(base64.urlsafe_b64decode(token.encode()))
            if isinstance(key, list) and len(key) == len(types):
                return [convert(part) for convert, part in zip(types, key)]
    except (ValueError, TypeError, binascii.Error):
        pass
    raise InvalidArgument.of(field, "not a token this service issued")


def cut(rows: Sequence[Any], size: int, key: Any, total: int) -> Page:
    """A page from ``size + 1`` fetched rows: the extra row only says that there is more."""
    more = len(rows) > size
    kept = list(rows[:size])
    return Page(kept, encode_page_token(key(kept[-1])) if more else "", total)
