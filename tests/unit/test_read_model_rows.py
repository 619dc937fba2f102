"""Rows.apply_all, the in-memory apply every path of a read model goes through: given rows and
events, then the rows, what was touched and what failed. Pure: no database."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from types import MappingProxyType

from shared.events.base import DomainEvent
from shared.events.registry import EventRegistry
from shared.projections import EventMeta, ReadModel, Table
from shared.projections.readmodel import ApplyFailed, Rows

WHEN = datetime(2026, 12, 1, tzinfo=timezone.utc)


class Opened(DomainEvent):
    event_type = "Opened"
    account: str
    owner: str


class Deposited(DomainEvent):
    event_type = "Deposited"
    amount: int


class Closed(DomainEvent):
    event_type = "Closed"
    account: str


class Split(DomainEvent):
    event_type = "Split"
    parts: int


class Renamed(DomainEvent):
    event_type = "Renamed"
    account: str
    owner: str


accounts = Table("accounts", key="account")
owners = Table("owners", key="owner")
parts = Table("parts", key=("stream_id", "part"))
seen_keys: list[object] = []


@accounts.on(Opened)
def opened(row, e: Opened, meta: EventMeta):
    seen_keys.append(meta.key)
    return row or {"account": e.account, "owner": e.owner, "total": 0}


@owners.on(Opened)
def owner_opened(row, e: Opened, meta: EventMeta):
    return {"owner": e.owner, "accounts": (row["accounts"] if row else 0) + 1}


@accounts.on(Deposited, key=lambda e, meta: meta.stream_id)
def deposited(row, e: Deposited, meta: EventMeta):
    if e.amount < 0:
        raise ValueError("a negative deposit")
    if e.amount == 0:
        return row  # unchanged
    return MappingProxyType({**row, "total": row["total"] + e.amount})  # any mapping will do


@accounts.on(Closed)
def closed(row, e: Closed, meta: EventMeta):
    return None


@owners.on(Renamed)
def renamed_owner(row, e: Renamed, meta: EventMeta):
    return {"owner": e.owner, "accounts": 1}


@accounts.on(Renamed)
def renamed(row, e: Renamed, meta: EventMeta):
    if row is None:
        raise LookupError("no such account")
    return {**row, "owner": e.owner}


@parts.on(Split, key=lambda e, meta: [(meta.stream_id, i) for i in range(e.parts)])
def split(row, e: Split, meta: EventMeta):
    seen_keys.append(meta.key)
    return {"stream_id": meta.key[0], "part": meta.key[1]}


class Lined(DomainEvent):
    event_type = "Lined"
    line: int


lines = Table("lines", key=("stream_id", "line"))


@lines.on(Lined)  # a key column the event lacks (stream_id) is read off the meta
def lined(row, e: Lined, meta: EventMeta):
    return {"stream_id": meta.stream_id, "line": e.line}


class Tampered(DomainEvent):
    event_type = "Tampered"
    account: str


@accounts.on(Tampered)
def tampered(row, e: Tampered, meta: EventMeta):
    row["total"] = 1_000_000  # a row given to apply is read-only
    return row


class Misfiled(DomainEvent):
    event_type = "Misfiled"
    account: str


@accounts.on(Misfiled)
def misfiled(row, e: Misfiled, meta: EventMeta):
    return {"account": e.account + "-elsewhere", "owner": "x", "total": 0}


MODEL = ReadModel("bank", "", {"bank.events": EventRegistry(
    [Opened, Deposited, Closed, Split, Renamed, Lined, Tampered, Misfiled])}, (accounts, owners, parts, lines))
_position = iter(range(1, 1_000_000))


def at(stream_id: str, event: DomainEvent) -> tuple[DomainEvent, EventMeta]:
    return event, EventMeta(stream_id, 1, next(_position), WHEN, uuid.uuid4(), event.event_type)


def opened_rows() -> Rows:
    rows = Rows(MODEL)
    assert rows.apply_all([at("a1", Opened(account="a1", owner="ana"))]) == []
    for keys in rows.touched.values():  # what the next events touch, from here
        keys.clear()
    return rows


def test_one_event_changes_every_table_it_is_declared_on() -> None:
    rows = Rows(MODEL)
    assert rows.apply_all([at("a1", Opened(account="a1", owner="ana")),
                           at("a2", Opened(account="a2", owner="ana"))]) == []
    assert rows.rows["accounts"] == {"a1": {"account": "a1", "owner": "ana", "total": 0},
                                     "a2": {"account": "a2", "owner": "ana", "total": 0}}
    assert rows.rows["owners"] == {"ana": {"owner": "ana", "accounts": 2}}
    assert rows.touched == {"accounts": {"a1", "a2"}, "owners": {"ana"}, "parts": set(), "lines": set()}


def test_a_key_column_the_event_lacks_is_read_off_the_meta() -> None:
    rows = Rows(MODEL)
    assert rows.apply_all([at("s7", Lined(line=2))]) == []
    assert rows.rows["lines"] == {("s7", 2): {"stream_id": "s7", "line": 2}}


def test_a_key_function_chooses_the_row_and_any_mapping_becomes_a_row() -> None:
    rows = opened_rows()
    assert rows.apply_all([at("a1", Deposited(amount=5)), at("a1", Deposited(amount=7))]) == []
    assert rows.rows["accounts"]["a1"] == {"account": "a1", "owner": "ana", "total": 12}
    assert type(rows.rows["accounts"]["a1"]) is dict


def test_returning_the_row_given_changes_nothing_and_touches_nothing() -> None:
    rows = opened_rows()
    assert rows.apply_all([at("a1", Deposited(amount=0))]) == []
    assert rows.touched["accounts"] == set()


def test_none_deletes_a_row_and_deleting_no_row_touches_nothing() -> None:
    rows = opened_rows()
    assert rows.apply_all([at("a1", Closed(account="a1")), at("zz", Closed(account="zz"))]) == []
    assert rows.rows["accounts"] == {"a1": None}
    assert rows.touched["accounts"] == {"a1"}


def test_an_apply_that_raises_fails_only_its_event_and_leaves_the_rows_as_they_were() -> None:
    rows = opened_rows()
    failed = rows.apply_all([at("a1", Deposited(amount=5)), at("a1", Deposited(amount=-1)),
                             at("a1", Deposited(amount=1))])
    assert [(index, type(error.error)) for index, error in failed] == [(1, ValueError)]
    assert isinstance(failed[0][1], ApplyFailed) and "accounts" in str(failed[0][1])
    assert rows.rows["accounts"]["a1"]["total"] == 6


def test_an_event_on_two_tables_is_applied_to_both_or_to_neither() -> None:
    rows = opened_rows()
    # owners applies first and would succeed; accounts has no row b9 and raises
    failed = rows.apply_all([at("b9", Renamed(account="b9", owner="bea"))])
    assert [index for index, _ in failed] == [0]
    assert "bea" not in rows.rows["owners"] and "b9" not in rows.rows["accounts"]
    assert all(not keys for keys in rows.touched.values())


def test_a_row_given_to_apply_is_read_only() -> None:
    rows = opened_rows()
    failed = rows.apply_all([at("a1", Tampered(account="a1"))])
    assert [type(error.error) for _, error in failed] == [TypeError]
    assert rows.rows["accounts"]["a1"]["total"] == 0


def test_a_row_whose_key_is_not_the_key_it_was_applied_at_is_refused() -> None:
    rows = opened_rows()
    failed = rows.apply_all([at("a1", Misfiled(account="a1"))])
    assert "is not the key it was applied at" in str(failed[0][1].error)
    assert set(rows.rows["accounts"]) == {"a1"}


def test_several_rows_are_each_told_their_key_and_one_row_is_told_none() -> None:
    seen_keys.clear()
    rows = Rows(MODEL)
    assert rows.apply_all([at("s1", Split(parts=3)), at("a1", Opened(account="a1", owner="ana"))]) == []
    assert seen_keys == [("s1", 0), ("s1", 1), ("s1", 2), None]
    assert set(rows.rows["parts"]) == {("s1", 0), ("s1", 1), ("s1", 2)}


def test_the_keys_a_batch_needs_are_every_table_s_keys_of_its_events() -> None:
    rows = Rows(MODEL)
    needed = rows.keys_needed([at("a1", Opened(account="a1", owner="ana")), at("a2", Deposited(amount=1)),
                               at("s1", Split(parts=2)), at("s1", Lined(line=4))])
    assert needed == {"accounts": {"a1", "a2"}, "owners": {"ana"}, "parts": {("s1", 0), ("s1", 1)},
                      "lines": {("s1", 4)}}


def test_a_meta_for_a_key_keeps_everything_else() -> None:
    _, meta = at("a1", Opened(account="a1", owner="ana"))
    keyed = meta.at(("a1", 3))
    assert keyed.key == ("a1", 3) and meta.key is None
    assert keyed._replace(key=None) == meta
