"""Field rules as types: what every command's fields must be, declared once for every service.

Commands are pydantic models whose fields use these ``Annotated`` types, so pydantic checks
every field of a command at once and reports each bad one at its path. Each type runs a
cheap check of the input's type and size first (a 100 kB string costs its length, nothing
more), then its rule, and says what is wrong in words a client can act on.

Rules that belong to one service (a SIREN's check digit) are written beside that service's
domain, in the same way: an ``Annotated`` type with a validator.

:func:`violations` is the one place that turns a pydantic ``ValidationError`` into field
violations (``contacts[2].email``: "must look like name@domain.tld"), optionally renaming the
command's fields to the request's (``admitted_on`` -> ``effective_date``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainValidator, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.domain.errors import FieldViolation, InvalidArgument

YEAR_MIN, YEAR_MAX = 2000, 2100
NAME_MAX = 200
REASON_MAX = 500
EMAIL_MAX = 254

E = TypeVar("E", bound=Enum)


def _error(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context or None)


# --- text -------------------------------------------------------------------------------------


def _has_control(text: str, allowed: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def text(max_len: int, *, required: bool = True, newlines: bool = False) -> Any:
    """Bounded text: a string of at most ``max_len`` characters (counted before stripping, so a
    huge blank is refused for its size), stripped, without control characters (newlines
    allowed with ``newlines``), and not empty when ``required``."""
    allowed = "\n" if newlines else ""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _error("string_type", "must be a string")
        if len(value) > max_len:
            raise _error("too_long", "must be at most {max} characters (got {got})", max=max_len, got=len(value))
        stripped = value.strip()
        if required and not stripped:
            raise _error("empty", "must not be empty")
        if _has_control(stripped, allowed):
            raise _error("control_characters", "must not contain control characters")
        return stripped

    return Annotated[str, BeforeValidator(check)]


def _has_letter_or_digit(value: str) -> str:
    if not any(c.isalnum() for c in value):
        raise _error("no_letter", "must contain at least one letter or digit")
    return value


Name = Annotated[text(NAME_MAX), AfterValidator(_has_letter_or_digit)]
"""A name of something or someone: bounded text with at least one letter or digit."""

Reason = text(REASON_MAX, newlines=True)
"""Why something was done: bounded, required, may span lines."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email_shape(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise _error("email", "must look like name@domain.tld")
    return value


Email = Annotated[text(EMAIL_MAX), AfterValidator(_email_shape)]


# --- numbers and dates ------------------------------------------------------------------------


def _strict_int(what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _error("int_type", f"must be an integer{what}")
        return value

    return check


def between(low: int, high: int) -> AfterValidator:
    """A bound on an ordered value (an int, a date's year through ``key``)."""

    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise _error("out_of_range", "must be between {low} and {high}", low=low, high=high)
        return value

    return AfterValidator(check)


def integer(low: int, high: int) -> Any:
    """A strict integer (no bool, no text) within [low, high]."""
    return Annotated[int, BeforeValidator(_strict_int("")), between(low, high)]


Year = Annotated[int, BeforeValidator(_strict_int(" year")), between(YEAR_MIN, YEAR_MAX)]
"""A calendar year this programme can mean: 2000-2100."""


def _as_date(value: Any) -> date:
    """A date, or (year, month, day) parts from a request, which must name a real day."""
    if isinstance(value, tuple) and len(value) == 3 and all(isinstance(p, int) for p in value):
        try:
            return date(*value)
        except ValueError as exc:
            raise _error("not_a_date", "not a calendar date: {why}", why=str(exc)) from None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _error("date_type", "must be a calendar date")
    return value


def _date_in_range(value: date) -> date:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise _error("out_of_range", "must be between {low} and {high}", low=YEAR_MIN, high=YEAR_MAX)
    return value


BusinessDate = Annotated[date, BeforeValidator(_as_date), AfterValidator(_date_in_range)]
"""A business day (no time zone), 2000-2100; accepts ``(year, month, day)`` from a request."""


# --- choices and lists ------------------------------------------------------------------------


def enum_text(enum: type[E]) -> Any:
    """One of ``enum``'s values, given as the enum or its text (as proto enums arrive)."""
    allowed = ", ".join(m.value for m in enum)

    def check(value: Any) -> E:
        try:
            return enum(value)
        except (ValueError, TypeError):
            raise _error("enum", "unknown value {value}; expected one of: {allowed}",
                         value=repr(value)[:50], allowed=allowed) from None

    return Annotated[enum, BeforeValidator(check)]


def bounded_list(item: Any, max_items: int, what: str = "items", *,
                 unique: Callable[[Any], Any] | None = None, unique_field: str = "",
                 unique_message: str = "duplicates another") -> Any:
    """A tuple of at most ``max_items`` ``item``s (the length is checked before any item is),
    each validated and reported at its index. With ``unique``, an item whose key repeats an
    earlier one's is reported at ``[i].<unique_field>``, together with every other error."""
    adapter = TypeAdapter(item)

    def check(value: Any) -> tuple[Any, ...]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise _error("list_type", f"must be a list of {what}")
        if len(value) > max_items:
            raise _error("too_long", f"must hold at most {{max}} {what} (got {{got}})", max=max_items, got=len(value))
        items: list[Any] = []
        problems: list[InitErrorDetails] = []
        seen: set[Any] = set()
        for index, raw in enumerate(value):
            try:
                entry = adapter.validate_python(raw)
            except ValidationError as exc:
                problems.extend(_nested(exc, index))
                continue
            if unique is not None:
                key = unique(entry)
                if key in seen:
                    loc = (index, unique_field) if unique_field else (index,)
                    problems.append(InitErrorDetails(type=_error("duplicate", unique_message), loc=loc, input=key))
                seen.add(key)
            items.append(entry)
        if problems:
            raise ValidationError.from_exception_data(what, problems)
        return tuple(items)

    return Annotated[tuple[item, ...], PlainValidator(check)]


def _nested(error: ValidationError, index: int) -> list[InitErrorDetails]:
    """An item's errors, re-located under its index (their messages are already worded)."""
    return [InitErrorDetails(type=PydanticCustomError(e["type"], _wording(e, error.title)),
                             loc=(index, *e["loc"]), input=e.get("input"))
            for e in error.errors(include_url=False)]


# --- money ------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"[A-Z]{3}")


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise _error("currency", "must be an ISO 4217 code such as EUR")
    return value


Currency = Annotated[str, BeforeValidator(_currency)]


class CurrencyMismatch(ValueError):
    pass


class Money(BaseModel):
    """An exact amount: integer cents (the currency's minor unit) and an explicit currency.

    No float ever: ``amount_cents`` refuses one, and arithmetic across currencies raises.
    """

    model_config = ConfigDict(frozen=True)

    amount_cents: Annotated[int, BeforeValidator(_strict_int(" number of cents"))]
    currency: Currency

    @classmethod
    def of(cls, cents: int, currency: str = "EUR") -> "Money":
        return cls(amount_cents=cents, currency=currency)

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(amount_cents=self.amount_cents + other.amount_cents, currency=self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(amount_cents=self.amount_cents - other.amount_cents, currency=self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_cents < other.amount_cents

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_cents <= other.amount_cents

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_cents > other.amount_cents

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_cents >= other.amount_cents

    def zero(self) -> "Money":
        return Money(amount_cents=0, currency=self.currency)

    def __str__(self) -> str:
        sign = "-" if self.amount_cents < 0 else ""
        units, cents = divmod(abs(self.amount_cents), 100)
        return f"{sign}{units:,}.{cents:02d} {self.currency}".replace(",", " ")


def _not_negative(value: Money) -> Money:
    if value.amount_cents < 0:
        raise _error("negative", "must not be negative")
    return value


def _positive(value: Money) -> Money:
    if value.amount_cents <= 0:
        raise _error("not_positive", "must be more than zero")
    return value


NonNegativeMoney = Annotated[Money, AfterValidator(_not_negative)]
PositiveMoney = Annotated[Money, AfterValidator(_positive)]


# --- commands ---------------------------------------------------------------------------------


class Command(BaseModel):
    """The base of every command: frozen, and no field it does not declare.

    ``effective`` names the field that holds the business date (or instant) the command is
    about: an admission's ``admitted_on``, a departure's ``on``. The events it decides then
    record that as their business time (``occurred_at``, see shared.application.business_time).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    effective: ClassVar[str | None] = None

    def effective_time(self) -> date | datetime | None:
        return getattr(self, self.effective) if self.effective else None


# --- reporting --------------------------------------------------------------------------------

# Wording for pydantic's own error types, where a type relies on pydantic's checks.
_WORDING = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "model_type": "must be an object with the fields of {what}",
    "model_attributes_type": "must be an object with the fields of {what}",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
}


def field_path(loc: Sequence[str | int], rename: Mapping[str, str] | None = None) -> str:
    """``("contacts", 2, "email")`` -> ``contacts[2].email``; the first part renamed if asked."""
    path = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = rename.get(part, part) if (rename and i == 0) else part
            path += f".{name}" if path else name
    return path or "request"


def violations(error: ValidationError, rename: Mapping[str, str] | None = None) -> list[FieldViolation]:
    """One violation per pydantic error, at the request's field path."""
    return [FieldViolation(field_path(item["loc"], rename), _wording(item, error.title))
            for item in error.errors(include_url=False, include_input=False)]


def _wording(item: Mapping[str, Any], title: str) -> str:
    wording = _WORDING.get(item["type"])
    return item["msg"] if wording is None else wording.format(what=title)


def invalid_argument(error: ValidationError, rename: Mapping[str, str] | None = None) -> InvalidArgument:
    return InvalidArgument(violations(error, rename))


C = TypeVar("C", bound=BaseModel)


def parse(model: type[C], rename: Mapping[str, str] | None = None, /, **fields: Any) -> C:
    """``model(**fields)``, or InvalidArgument naming every bad field at its request path."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise invalid_argument(error, rename) from None
