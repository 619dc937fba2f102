"""A read model, declared once: its tables, which row(s) each event touches, and how.

The anchor is Marten's projections: a document is one declaration, its identity comes from
the event, and one pure function per event type says how the event changes it. From that
declaration the kit derives every way of building the tables (shared.projections.applier
for the live batched path, shared.projections.rebuild for fold + COPY + swap), so there is
never a second hand-kept version of a table::

    members = Table("members", key="member_id")

    @members.on(MemberSuspended)
    def suspended(row, e, meta):
        return row and {**row, "status": "suspended", "status_reason": e.reason}

    MEMBER_DIRECTORY = ReadModel("member_directory", ddl=sql("001_member_directory.sql", __file__),
                                 sources={events_topic("membership"): membership_registry()},
                                 tables=(members,))

How an event changes a row: ``apply(row, event, meta)`` gets the row as it stands (a read-only
mapping of column -> value, or None when there is none) and returns the row it becomes (a
mapping with every column it sets; missing columns are NULL), or None for no row (a row that
existed is deleted). Returning the very row it was given means "unchanged". It must be pure:
it runs again on every rebuild and must give the same answer.

Which rows: by default the table's key columns read off the event (``e.member_id``), else
off the meta (``meta.stream_id``); ``key=`` gives a function of (event, meta) returning one
key, or a list of keys for an event that touches several rows (each row gets the call, with
its key in ``meta.key``, so one event can create several rows).

A figure that is not a row (a count by kind) is a query over the rows, never a second table.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

Row = Mapping[str, Any]
Key = Any  # one value, or a tuple for a composite key
Apply = Callable[[Row | None, Any, "EventMeta"], Row | None]
KeyOf = Callable[[Any, "EventMeta"], Key | list[Key]]


@dataclass(frozen=True, slots=True)
class EventMeta:
    """What an apply function may know of an event besides its data. ``key`` is the key of
    the row it is applied at, when the table's ``key=`` function chose it (an event that
    touches several rows creates each with its own key)."""

    stream_id: str
    version: int
    position: int
    occurred_at: datetime
    event_id: UUID
    type: str
    key: Any = None

    def at(self, key: Any) -> "EventMeta":
        """This meta for the row at ``key``: dataclasses.replace, without its introspection
        (it was 40% of a fold's apply time)."""
        return EventMeta(self.stream_id, self.version, self.position, self.occurred_at, self.event_id, self.type, key)


@dataclass(frozen=True, slots=True)
class _On:
    key_of: KeyOf
    apply: Apply
    keyed: bool  # a key= function chose the rows: apply is told each row's key (meta.key)


class Table:
    """One table of a read model: its name, its key columns and what each event does to it."""

    def __init__(self, name: str, key: str | Sequence[str]) -> None:
        if not name.isidentifier():
            raise ValueError(f"table name must be an identifier: {name!r}")
        self.name = name
        self.key: tuple[str, ...] = (key,) if isinstance(key, str) else tuple(key)
        self.handlers: dict[str, _On] = {}

    def on(self, *event_types: type[DomainEvent], key: KeyOf | None = None) -> Callable[[Apply], Apply]:
        """Declare how ``event_types`` change this table's rows (the decorated function)."""

        def register(apply: Apply) -> Apply:
            for event_type in event_types:
                name = event_type.event_type
                if name in self.handlers:
                    raise ValueError(f"{self.name}: {name} is declared twice")
                self.handlers[name] = _On(key or self._default_key, apply, key is not None)
            return apply

        return register

    def _default_key(self, event: Any, meta: EventMeta) -> Key:
        values = tuple(getattr(event, column) if hasattr(event, column) else getattr(meta, column)
                       for column in self.key)
        return values[0] if len(values) == 1 else values

    def keys_of(self, on: _On, event: Any, meta: EventMeta) -> list[Key]:
        keys = on.key_of(event, meta)
        return keys if isinstance(keys, list) else [keys]

    def key_of_row(self, row: Row) -> Key:
        return row[self.key[0]] if len(self.key) == 1 else tuple(row[c] for c in self.key)

    def __repr__(self) -> str:
        return f"Table({self.name!r}, key={self.key!r})"


@dataclass(frozen=True)
class ReadModel:
    """A read model in its own Postgres schema ``name``: tables (DDL in the service's
    migrations/), the topics it is built from and the contract that decodes each.

    Types a source's registry knows but no table wants are skipped (the checkpoint still
    advances); types it does not know are poison and go to the DLQ."""

    name: str
    ddl: str | SqlFile
    sources: Mapping[str, EventRegistry]
    tables: Sequence[Table]
    handled: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.lower() != self.name:
            raise ValueError(f"read model name must be a lower-case identifier: {self.name!r}")
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names) or "checkpoint" in names:
            raise ValueError(f"{self.name}: table names must be distinct and not 'checkpoint': {names}")
        object.__setattr__(self, "handled", frozenset(t for table in self.tables for t in table.handlers))

    @property
    def topics(self) -> list[str]:
        return list(self.sources)

    def with_topics(self, renames: Mapping[str, str]) -> "ReadModel":
        """The same read model reading renamed topics: a service run under another name (a test
        beside others on one broker) publishes ``lab27.<that name>.events``."""
        if not any(renames.get(t, t) != t for t in self.sources):
            return self
        return ReadModel(self.name, self.ddl, {renames.get(t, t): r for t, r in self.sources.items()}, self.tables)

    def ddl_text(self) -> str:
        return self.ddl if isinstance(self.ddl, str) else self.ddl.read()


@dataclass(frozen=True)
class SqlFile:
    """``migrations/<filename>`` of the service whose module is ``near``, read when installed."""

    filename: str
    near: str

    def read(self) -> str:
        service_dir = next(p for p in Path(self.near).resolve().parents if (p / "migrations").is_dir())
        return (service_dir / "migrations" / self.filename).read_text()


def sql(filename: str, near: str) -> SqlFile:
    """A read model's DDL, from its service's migrations/ (pass the declaring module's __file__)."""
    return SqlFile(filename, near)


# --- applying events in memory (every path goes through here) ----------------------------------


class ApplyFailed(Exception):
    """An apply function raised: the event is poison, nothing of it was applied."""

    def __init__(self, table: str, error: BaseException) -> None:
        super().__init__(f"{table}: {type(error).__name__}: {error}")
        self.error = error


class Rows:
    """The rows a batch or a fold works on: table name -> key -> row (None: no row).

    ``touched`` remembers, per table, the keys whose row changed since it was created, so the
    live path writes back exactly those.
    """

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self.rows: dict[str, dict[Key, dict[str, Any] | None]] = {t.name: {} for t in model.tables}
        self.touched: dict[str, set[Key]] = {t.name: set() for t in model.tables}

    def keys_needed(self, items: Iterable[tuple[Any, EventMeta]]) -> dict[str, set[Key]]:
        """Per table, the keys these events touch (what the live path loads in one query)."""
        needed: dict[str, set[Key]] = {t.name: set() for t in self.model.tables}
        for event, meta in items:
            for table in self.model.tables:
                on = table.handlers.get(meta.type)
                if on is not None:
                    needed[table.name].update(table.keys_of(on, event, meta))
        return needed

    def apply(self, event: Any, meta: EventMeta) -> None:
        """Every table's change for one event, all or nothing (ApplyFailed leaves the rows as they were)."""
        staged: list[tuple[str, dict[Key, dict[str, Any] | None]]] = []  # kept once every table applied
        for table in self.model.tables:
            on = table.handlers.get(meta.type)
            if on is None:
                continue
            current = self.rows[table.name]
            changed: dict[Key, dict[str, Any] | None] = {}  # this event's rows so far (a key may repeat)
            try:
                keys = on.key_of(event, meta)
                for key in keys if isinstance(keys, list) else (keys,):
                    row = changed[key] if key in changed else current.get(key)
                    at = meta.at(key) if on.keyed else meta
                    new = on.apply(None if row is None else MappingProxyType(row), event, at)
                    if new is None:
                        if row is not None:
                            changed[key] = None
                    elif not isinstance(new, MappingProxyType):
                        new = dict(new)
                        if table.key_of_row(new) != key:
                            raise ValueError(f"the row's key {table.key_of_row(new)!r} is not the key it was "
                                             f"applied at, {key!r}")
                        changed[key] = new
            except Exception as exc:  # noqa: BLE001 - a bug in one apply: that event is poison
                raise ApplyFailed(table.name, exc) from exc
            if changed:
                staged.append((table.name, changed))
        for table_name, changed in staged:
            self.rows[table_name].update(changed)
            self.touched[table_name].update(changed)
