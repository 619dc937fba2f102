"""Envelopes out as JSONL (one envelope a line, the topic's JSON value), CSV (data as a JSON
column) or Parquet (same columns, timestamps typed, data as a JSON string column)."""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any, Protocol

from shared.events.envelope import Envelope

COLUMNS = ("position", "event_id", "type", "schema_version", "stream_id", "stream_type", "version",
           "occurred_at", "recorded_at", "correlation_id", "causation_id", "producer", "data")
FORMATS = ("jsonl", "csv", "parquet")


class Writer(Protocol):
    count: int

    def write(self, envelopes: Sequence[Envelope]) -> None: ...

    def close(self) -> None: ...


def _data(envelope: Envelope) -> str:
    return json.dumps(envelope.data, ensure_ascii=False, separators=(",", ":"))


def _values(e: Envelope) -> tuple[Any, ...]:
    """One envelope's values in COLUMNS order, ``data`` as JSON text."""
    return (e.position, str(e.event_id), e.type, e.schema_version, e.stream_id, e.stream_type, e.version,
            e.occurred_at, e.recorded_at, e.correlation_id, e.causation_id, e.producer, _data(e))


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else value


class _TextWriter:
    def __init__(self, path: str) -> None:
        self.out: IO[str] = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")
        self.count = 0

    def close(self) -> None:
        self.out.flush()
        if self.out is not sys.stdout:
            self.out.close()


class JsonlWriter(_TextWriter):
    def write(self, envelopes: Sequence[Envelope]) -> None:
        self.out.writelines(e.model_dump_json() + "\n" for e in envelopes)
        self.count += len(envelopes)


class CsvWriter(_TextWriter):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.csv = csv.writer(self.out)
        self.csv.writerow(COLUMNS)

    def write(self, envelopes: Sequence[Envelope]) -> None:
        self.csv.writerows(tuple(_csv_cell(v) for v in _values(e)) for e in envelopes)
        self.count += len(envelopes)


class ParquetWriter:
    def __init__(self, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if path == "-":
            raise SystemExit("parquet needs a file: --out FILE")
        self.pa = pa
        timestamp = pa.timestamp("us", tz="UTC")
        types = (pa.int64(), pa.string(), pa.string(), pa.int32(), pa.string(), pa.string(), pa.int64(),
                 timestamp, timestamp, pa.string(), pa.string(), pa.string(), pa.string())
        self.schema = pa.schema(list(zip(COLUMNS, types, strict=True)))
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.count = 0

    def write(self, envelopes: Sequence[Envelope]) -> None:
        if not envelopes:
            return
        columns = dict(zip(COLUMNS, map(list, zip(*map(_values, envelopes), strict=True)), strict=True))
        self.writer.write_table(self.pa.Table.from_pydict(columns, schema=self.schema))
        self.count += len(envelopes)

    def close(self) -> None:
        self.writer.close()  # an empty export still gets a valid file with the schema


def open_writer(fmt: str, path: str) -> Writer:
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "csv":
        return CsvWriter(path)
    if fmt == "parquet":
        return ParquetWriter(path)
    raise SystemExit(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
