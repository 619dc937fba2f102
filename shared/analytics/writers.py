"""Envelopes out as JSONL (one envelope a line, the topic's JSON value), CSV (data as a JSON
column) or Parquet (same columns, timestamps typed, data as a JSON string column)."""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
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


def _text_out(path: str) -> IO[str]:
    return sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")


class JsonlWriter:
    def __init__(self, path: str) -> None:
        self.out = _text_out(path)
        self.count = 0

    def write(self, envelopes: Sequence[Envelope]) -> None:
        self.out.writelines(e.model_dump_json() + "\n" for e in envelopes)
        self.count += len(envelopes)

    def close(self) -> None:
        self.out.flush()
        if self.out is not sys.stdout:
            self.out.close()


class CsvWriter:
    def __init__(self, path: str) -> None:
        self.out = _text_out(path)
        self.csv = csv.writer(self.out)
        self.csv.writerow(COLUMNS)
        self.count = 0

    def write(self, envelopes: Sequence[Envelope]) -> None:
        self.csv.writerows(
            (e.position, e.event_id, e.type, e.schema_version, e.stream_id, e.stream_type, e.version,
             e.occurred_at.isoformat(), e.recorded_at.isoformat(), e.correlation_id or "", e.causation_id or "",
             e.producer, _data(e))
            for e in envelopes)
        self.count += len(envelopes)

    def close(self) -> None:
        self.out.flush()
        if self.out is not sys.stdout:
            self.out.close()


class ParquetWriter:
    def __init__(self, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if path == "-":
            raise SystemExit("parquet needs a file: --out FILE")
        self.pa = pa
        timestamp = pa.timestamp("us", tz="UTC")
        self.schema = pa.schema([
            ("position", pa.int64()), ("event_id", pa.string()), ("type", pa.string()),
            ("schema_version", pa.int32()), ("stream_id", pa.string()), ("stream_type", pa.string()),
            ("version", pa.int64()), ("occurred_at", timestamp), ("recorded_at", timestamp),
            ("correlation_id", pa.string()), ("causation_id", pa.string()), ("producer", pa.string()),
            ("data", pa.string()),
        ])
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.count = 0

    def write(self, envelopes: Sequence[Envelope]) -> None:
        if not envelopes:
            return
        columns: dict[str, list[Any]] = {
            "position": [e.position for e in envelopes],
            "event_id": [str(e.event_id) for e in envelopes],
            "type": [e.type for e in envelopes],
            "schema_version": [e.schema_version for e in envelopes],
            "stream_id": [e.stream_id for e in envelopes],
            "stream_type": [e.stream_type for e in envelopes],
            "version": [e.version for e in envelopes],
            "occurred_at": [e.occurred_at for e in envelopes],
            "recorded_at": [e.recorded_at for e in envelopes],
            "correlation_id": [e.correlation_id for e in envelopes],
            "causation_id": [e.causation_id for e in envelopes],
            "producer": [e.producer for e in envelopes],
            "data": [_data(e) for e in envelopes],
        }
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
