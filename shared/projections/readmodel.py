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
its key in ``meta.key``, so one event can create several rows; ``meta.key`` is None otherwise).

A figure that is not a row (a count by kind) is a query over the rows, never a second table.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from operator import attrgetter, itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry

Row = Mapping[str, Any]
Key = Any  # one value, or a tuple for a composite key
Apply = Callable[[Row | None, Any, "EventMeta"], Row | None]
KeyOf = Callable[[Any, "EventMeta"], Key | list[Key]]


class EventMeta(NamedTuple):
    """What an apply function may know of an event besides its data. ``key`` is the key of
    the row it is applied at, when the table's ``key=`` function chose it (an event that
    touches several rows creates each with its own key).

    A NamedTuple rather than a frozen dataclass: every event of a fold gets one, and a frozen
    dataclass costs three times as much to make (1.4 against 0.45 us)."""

    stream_id: str
    version: int
    position: int
    occurred_at: datetime
    event_id: UUID
    type: str
    key: Any = None

    def at(self, key: Any) -> "EventMeta":
        """This meta for the row at ``key`` (``_replace`` costs three times as much)."""
        return _new_tuple(self.__class__, (self[0], self[1], self[2], self[3], self[4], self[5], key))


class StoredEventMeta(EventMeta):
    """The meta of an event a fold read from its store: ``occurred_at`` is kept as Postgres
    keeps it, microseconds since 2000-01-01 UTC (shared.projections.store_pages), and made a
    datetime only when an apply function asks for it: making one for every event was a fifth
    of a fold's time, and few read models read it."""

    __slots__ = ()

    @property
    def occurred_at(self) -> datetime:  # type: ignore[override]
        return _POSTGRES_EPOCH + timedelta(microseconds=self[3])


_new_tuple = tuple.__new__
_POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class _On:
    key_of: KeyOf
    apply: Apply


class Table:
    """One table of a read model: its name, its key columns and what each event does to it."""

    def __init__(self, name: str, key: str | Sequence[str]) -> None:
        if not name.isidentifier():
            raise ValueError(f"table name must be an identifier: {name!r}")
        self.name = name
        self.key: tuple[str, ...] = (key,) if isinstance(key, str) else tuple(key)
        self.handlers: dict[str, _On] = {}
        # A row's key: its one column's value, or the tuple of its columns' (itemgetter's own rule).
        self.key_of_row: Callable[[Row], Key] = itemgetter(*self.key)

    def on(self, *event_types: type[DomainEvent], key: KeyOf | None = None) -> Callable[[Apply], Apply]:
        """Declare how ``event_types`` change this table's rows (the decorated function)."""

        def register(apply: Apply) -> Apply:
            for event_type in event_types:
                name = event_type.event_type
                if name in self.handlers:
                    raise ValueError(f"{self.name}: {name} is declared twice")
                self.handlers[name] = _On(key or self._default_key_of(event_type), apply)
            return apply

        return register

    def _default_key_of(self, event_type: type[DomainEvent]) -> KeyOf:
        """The key columns read off the event where it has them, else off the meta, decided
        once per event type (a fold asks for millions of keys)."""
        fields = getattr(event_type, "model_fields", {})
        on_event = [column in fields or hasattr(event_type, column) for column in self.key]
        columns = attrgetter(*self.key)
        if all(on_event):
            return lambda event, meta: columns(event)
        if not any(on_event):
            return lambda event, meta: columns(meta)
        sources = [(attrgetter(column), from_event) for column, from_event in zip(self.key, on_event)]
        return lambda event, meta: tuple(get(event if from_event else meta) for get, from_event in sources)

    def keys_of(self, on: _On, event: Any, meta: EventMeta) -> list[Key]:
        keys = on.key_of(event, meta)
        return keys if isinstance(keys, list) else [keys]

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
    # event type -> the (table, what it does) pairs it touches, in table order
    plan: Mapping[str, tuple[tuple[Table, _On], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.lower() != self.name:
            raise ValueError(f"read model name must be a lower-case identifier: {self.name!r}")
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names) or "checkpoint" in names:
            raise ValueError(f"{self.name}: table names must be distinct and not 'checkpoint': {names}")
        object.__setattr__(self, "handled", frozenset(t for table in self.tables for t in table.handlers))
        object.__setattr__(self, "plan", {
            event_type: tuple((t, t.handlers[event_type]) for t in self.tables if event_type in t.handlers)
            for event_type in self.handled})

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
        self.__cause__ = error


class Rows:
    """The rows a batch or a fold works on: table name -> key -> row (None: no row).

    ``touched`` remembers, per table, the keys whose row changed since it was created, so the
    live path writes back exactly those.
    """

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self.rows: dict[str, dict[Key, dict[str, Any] | None]] = {t.name: {} for t in model.tables}
        self.touched: dict[str, set[Key]] = {t.name: set() for t in model.tables}
        # event type -> (table, on, its rows, its touched keys), for the types that change one table
        self._single: dict[str, tuple[Table, _On, dict[Key, Any], set[Key]]] = {}

    def keys_needed(self, items: Iterable[tuple[Any, EventMeta]]) -> dict[str, set[Key]]:
        """Per table, the keys these events touch (what the live path loads in one query)."""
        needed: dict[str, set[Key]] = {t.name: set() for t in self.model.tables}
        plan = self.model.plan
        for event, meta in items:
            for table, on in plan.get(meta.type, ()):
                needed[table.name].update(table.keys_of(on, event, meta))
        return needed

    def apply_all(self, items: Iterable[tuple[Any, EventMeta]]) -> list[tuple[int, ApplyFailed]]:
        """Apply each event in turn, all of it or nothing of it: returns the events whose apply
        raised (index, error), of which nothing was applied.

        A loop over a page rather than a call per event, with what an event type needs bound
        once: a fold spends most of its time here."""
        failed: list[tuple[int, ApplyFailed]] = []
        plan, single = self.model.plan, self._single
        for index, (event, meta) in enumerate(items):
            bound = single.get(meta.type)
            if bound is None:
                steps = plan.get(meta.type)
                if steps is None:
                    continue
                if len(steps) > 1:
                    try:
                        self._apply_to_tables(steps, event, meta)
                    except ApplyFailed as exc:
                        failed.append((index, exc))
                    continue
                table, on = steps[0]
                bound = single[meta.type] = (table, on, self.rows[table.name], self.touched[table.name])
            # One table, the common case: one row, nothing to stage.
            table, on, current, touched = bound
            try:
                key = on.key_of(event, meta)
                if key.__class__ is list:
                    self._keep(table.name, self._changes(table, on, event, meta, key))
                    continue
                row = current.get(key)
                given = None if row is None else MappingProxyType(row)
                new = on.apply(given, event, meta)
                if new.__class__ is not dict or table.key_of_row(new) != key:
                    new = _checked(table, key, given, new)
                    if new is _SAME_ROW:
                        continue
            except ApplyFailed as exc:
                failed.append((index, exc))
                continue
            except Exception as exc:  # noqa: BLE001 - a bug in one apply: that event is poison
                failed.append((index, ApplyFailed(table.name, exc)))
                continue
            current[key] = new
            touched.add(key)
        return failed

    def _apply_to_tables(self, steps: Sequence[tuple[Table, _On]], event: Any, meta: EventMeta) -> None:
        staged = [(table.name, self._changes(table, on, event, meta)) for table, on in steps]
        for table_name, changed in staged:  # kept once every table applied
            self._keep(table_name, changed)

    def _keep(self, table_name: str, changed: dict[Key, dict[str, Any] | None]) -> None:
        if changed:
            self.rows[table_name].update(changed)
            self.touched[table_name].update(changed)

    def _changes(self, table: Table, on: _On, event: Any, meta: EventMeta,
                 keys: Key | list[Key] | None = None) -> dict[Key, dict[str, Any] | None]:
        """The rows of ``table`` that ``event`` changes, key -> new row (None: deleted). Each
        of several rows is told its key (``meta.key``)."""
        current = self.rows[table.name]
        try:
            if keys is None:
                keys = on.key_of(event, meta)
            several = keys.__class__ is list
            changed: dict[Key, dict[str, Any] | None] = {}  # this event's rows so far (a key may repeat)
            for key in keys if several else (keys,):
                row = changed[key] if key in changed else current.get(key)
                given = None if row is None else MappingProxyType(row)
                new = _checked(table, key, given, on.apply(given, event, meta.at(key) if several else meta))
                if new is not _SAME_ROW:
                    changed[key] = new
            return changed
        except Exception as exc:  # noqa: BLE001 - a bug in one apply: that event is poison
            raise ApplyFailed(table.name, exc) from exc


_SAME_ROW: Any = object()  # "nothing to write": the row unchanged, or no row before or after


def _checked(table: Table, key: Key, given: Row | None, new: Row | None) -> Any:
    """What an apply function's answer means for the row at ``key`` (``given``: the read-only
    row it was given): _SAME_ROW, None (delete the row) or the new row as a dict (kept as it
    is: apply functions are pure and never change a row they returned)."""
    if new is None:
        return _SAME_ROW if given is None else None
    if new is given:
        return _SAME_ROW
    if new.__class__ is not dict:
        new = dict(new)
    if table.key_of_row(new) != key:
        raise ValueError(f"the row's key {table.key_of_row(new)!r} is not the key it was applied at, {key!r}")
    return new
