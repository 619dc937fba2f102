"""The SQL side of a declared table: load the rows a batch touches, write back what changed, COPY.

A table's columns and their types are read from the catalog (the DDL in migrations/ is the
one place they are written). Every statement is generated from them and names its schema, so
the same table is written in its live schema and in a rebuild's side schema alike:
- load: one ``SELECT * ... WHERE key = ANY(...)`` for every key a batch touches;
- write: one statement, ``WITH gone AS (DELETE ... ) INSERT ... SELECT FROM unnest(...)
  ON CONFLICT (key) DO UPDATE``, for every row that changed;
- copy: binary COPY into an empty table (rebuilds), through a staging table when json
  columns must travel as text (asyncpg's binary COPY has no codec for our jsonb text codec).
jsonb values are sent as JSON text and cast in SQL: a jsonb[] parameter of Python lists
would be read as a two-dimensional array.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.projections.readmodel import Key, Table
from shared.projections.schema import quoted

_JSON = frozenset({"json", "jsonb"})


@dataclass(frozen=True)
class TableShape:
    """A table's columns as the catalog has them, and the statements made from them."""

    table: Table
    columns: tuple[str, ...]
    types: tuple[str, ...]  # format_type() of each column

    @property
    def json_columns(self) -> frozenset[str]:
        return frozenset(c for c, t in zip(self.columns, self.types) if t in _JSON)

    def key_types(self) -> list[str]:
        return [self.types[self.columns.index(k)] for k in self.table.key]

    def encoded(self, row: Mapping[str, Any]) -> list[Any]:
        """A row's values in column order; json as text; a column it does not set is NULL."""
        json_columns = self.json_columns
        return [json.dumps(row.get(c), separators=(",", ":")) if c in json_columns and row.get(c) is not None
                else row.get(c) for c in self.columns]


async def shape_of(conn: asyncpg.Connection, schema: str, table: Table) -> TableShape:
    rows = await conn.fetch(
        """SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
           ORDER BY a.attnum""", f"{quoted(schema)}.{quoted(table.name)}")
    if not rows:
        raise LookupError(f"{schema}.{table.name} has no columns")
    if arrays := [r["attname"] for r in rows if r["typcategory"] == "A"]:
        # unnest() would flatten an array column's values into the rows: use jsonb for lists.
        raise ValueError(f"{schema}.{table.name}: array columns are not supported, use jsonb: {arrays}")
    columns = tuple(r["attname"] for r in rows)
    if missing := [k for k in table.key if k not in columns]:
        raise ValueError(f"{schema}.{table.name} has no key column {missing}")
    return TableShape(table, columns, tuple(r["type"] for r in rows))


async def load_rows(conn: asyncpg.Connection, schema: str, shape: TableShape, keys: Iterable[Key]) -> list[dict[str, Any]]:
    keys = list(keys)
    if not keys:
        return []
    table = f"{quoted(schema)}.{quoted(shape.table.name)}"
    key = shape.table.key
    if len(key) == 1:
        records = await conn.fetch(f"SELECT * FROM {table} WHERE {quoted(key[0])} = ANY($1::{shape.key_types()[0]}[])",
                                   keys)
    else:
        arrays = [[k[i] for k in keys] for i in range(len(key))]
        unnested = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(shape.key_types()))
        records = await conn.fetch(
            f"SELECT * FROM {table} WHERE ({', '.join(quoted(c) for c in key)}) IN "
            f"(SELECT * FROM unnest({unnested}))", *arrays)
    return [dict(r.items()) for r in records]


async def write_rows(conn: asyncpg.Connection, schema: str, shape: TableShape,
                     rows: Mapping[Key, Mapping[str, Any] | None]) -> None:
    """Upsert every row, delete every key mapped to None: one statement."""
    if not rows:
        return
    table = f"{quoted(schema)}.{quoted(shape.table.name)}"
    key = shape.table.key
    kept = [shape.encoded(row) for row in rows.values() if row is not None]
    gone = [k for k, row in rows.items() if row is None]
    args: list[Any] = []
    parts: list[str] = []
    if gone:
        arrays = [gone] if len(key) == 1 else [[k[i] for k in gone] for i in range(len(key))]
        unnested = ", ".join(f"${len(args) + i + 1}::{t}[]" for i, t in enumerate(shape.key_types()))
        args += arrays
        parts.append(f"DELETE FROM {table} WHERE ({', '.join(quoted(c) for c in key)}) IN "
                     f"(SELECT * FROM unnest({unnested}))")
    if kept:
        json_columns = shape.json_columns
        columns = ", ".join(quoted(c) for c in shape.columns)
        unnested = ", ".join(f"${len(args) + i + 1}::{'text' if c in json_columns else t}[]"
                             for i, (c, t) in enumerate(zip(shape.columns, shape.types)))
        select = ", ".join(f"{quoted(c)}::{t}" if c in json_columns else quoted(c)
                           for c, t in zip(shape.columns, shape.types))
        updates = ", ".join(f"{quoted(c)} = EXCLUDED.{quoted(c)}" for c in shape.columns if c not in key)
        conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        args += [list(column) for column in zip(*kept)]
        insert = (f"INSERT INTO {table} ({columns}) SELECT {select} FROM unnest({unnested}) AS u({columns}) "
                  f"ON CONFLICT ({', '.join(quoted(c) for c in key)}) {conflict}")
        if parts:
            statement = f"WITH gone AS ({parts[0]}) {insert}"
        else:
            statement = insert
    else:
        statement = parts[0]
    await conn.execute(statement, *args)


async def copy_rows(conn: asyncpg.Connection, schema: str, shape: TableShape,
                    rows: Iterable[Mapping[str, Any]]) -> None:
    """Every row into an empty table, by binary COPY (inside the caller's transaction)."""
    records = [shape.encoded(row) for row in rows]
    if not records:
        return
    table = f"{quoted(schema)}.{quoted(shape.table.name)}"
    json_columns = shape.json_columns
    if not json_columns:
        await conn.copy_records_to_table(shape.table.name, schema_name=schema, records=records,
                                         columns=list(shape.columns))
        return
    staging = f"{shape.table.name}__load"
    alter = ", ".join(f"ALTER COLUMN {quoted(c)} TYPE text USING {quoted(c)}::text" for c in json_columns)
    await conn.execute(f"CREATE TEMP TABLE {quoted(staging)} (LIKE {table}) ON COMMIT DROP; "
                       f"ALTER TABLE {quoted(staging)} {alter}")
    await conn.copy_records_to_table(staging, records=records, columns=list(shape.columns))
    columns = ", ".join(quoted(c) for c in shape.columns)
    select = ", ".join(f"{quoted(c)}::{t}" if c in json_columns else quoted(c)
                       for c, t in zip(shape.columns, shape.types))
    await conn.execute(f"INSERT INTO {table} ({columns}) SELECT {select} FROM {quoted(staging)}")


async def shapes_of(conn: asyncpg.Connection, schema: str, tables: Iterable[Table]) -> dict[str, TableShape]:
    return {table.name: await shape_of(conn, schema, table) for table in tables}
