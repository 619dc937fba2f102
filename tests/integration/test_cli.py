"""The analysts' CLI against a fresh database holding real membership events."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import pyarrow.parquet as pq
import pytest

from services.membership.application.commands import MembershipCommands
from services.membership.domain import AdmitMember, SuspendMember
from shared.analytics.writers import COLUMNS
from shared.cli import run
from shared.events.envelope import Envelope
from shared.eventstore.postgres import PostgresEventStore
from shared.relay import Relay
from tests.integration.test_rebuild import append_v1_admission, populate
from tests.integration.test_relay_projection import open_store

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def store(fresh_dsn: str):
    store = await open_store(fresh_dsn, "membership", max_size=4)
    try:
        yield store
    finally:
        await store.close()


async def events(dsn: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch("SELECT position, type, stream_id, recorded_at FROM events ORDER BY position")
    finally:
        await conn.close()


def jsonl(path: Path) -> list[Envelope]:
    return [Envelope.model_validate_json(line) for line in path.read_text().splitlines()]


async def test_export_the_store_with_filters_in_every_format(fresh_dsn: str, store: PostgresEventStore,
                                                             tmp_path: Path, capsys) -> None:
    ids = await populate(store, members=10)
    await append_v1_admission(store)
    stored = await events(fresh_dsn)
    base = ["export", "--service", "membership", "--dsn", fresh_dsn]

    out = tmp_path / "all.jsonl"
    assert await run([*base, "--format", "jsonl", "--out", str(out)]) == 0
    exported = jsonl(out)
    assert [e.position for e in exported] == [r["position"] for r in stored]
    assert [e.type for e in exported] == [r["type"] for r in stored]
    assert all(e.producer == "membership" and e.data["member_id"] == e.stream_id for e in exported)
    assert any(e.schema_version == 1 and "contact_email" in e.data for e in exported)  # stored as it was

    out = tmp_path / "suspended.jsonl"
    await run([*base, "--type", "MemberSuspended", "membership.MemberLeft", "--stream", str(ids[1]), str(ids[3]),
               "--format", "jsonl", "--out", str(out)])
    expected = [r["position"] for r in stored if r["stream_id"] in (str(ids[1]), str(ids[3]))
                and r["type"] in ("membership.MemberSuspended", "membership.MemberLeft")]
    assert expected and [e.position for e in jsonl(out)] == expected

    middle = stored[len(stored) // 2]
    out = tmp_path / "range.jsonl"
    await run([*base, "--from-position", "3", "--to-position", str(middle["position"]),
               "--format", "jsonl", "--out", str(out)])
    assert [e.position for e in jsonl(out)] == list(range(3, middle["position"] + 1))
    await run([*base, "--since", middle["recorded_at"].isoformat(), "--format", "jsonl", "--out", str(out)])
    assert [e.position for e in jsonl(out)] == [r["position"] for r in stored if r["recorded_at"] >= middle["recorded_at"]]
    await run([*base, "--until", middle["recorded_at"].isoformat(), "--format", "jsonl", "--out", str(out)])
    assert [e.position for e in jsonl(out)] == [r["position"] for r in stored if r["recorded_at"] < middle["recorded_at"]]

    out = tmp_path / "all.csv"
    await run([*base, "--format", "csv", "--out", str(out)])
    with out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(stored) + 1
    first = dict(zip(rows[0], rows[1]))
    assert first["type"] == "membership.MemberAdmitted" and json.loads(first["data"])["member_id"] == first["stream_id"]

    out = tmp_path / "all.parquet"
    await run([*base, "--format", "parquet", "--out", str(out)])
    table = pq.read_table(out)
    assert table.num_rows == len(stored)
    assert tuple(table.column_names) == COLUMNS
    assert table.column("position").to_pylist() == [r["position"] for r in stored]
    assert str(table.schema.field("recorded_at").type) == "timestamp[us, tz=UTC]"

    empty = tmp_path / "none.parquet"
    await run([*base, "--type", "NoSuchType", "--format", "parquet", "--out", str(empty)])
    assert pq.read_table(empty).num_rows == 0
    capsys.readouterr()


async def test_as_of_folds_the_stream_up_to_the_instant(fresh_dsn: str, store: PostgresEventStore, capsys) -> None:
    commands = MembershipCommands(store)
    member_id, _ = await commands.execute(AdmitMember(scheme="association", kind="commune", name="Ville de Lyon",
                                                      admitted_on=date(2019, 4, 1)))
    await commands.execute(SuspendMember(member_id=member_id, reason="dues unpaid", on=date(2020, 1, 1)))
    admitted, suspended = await events(fresh_dsn)
    base = ["as-of", "--service", "membership", "--dsn", fresh_dsn, "--stream", str(member_id)]

    async def state_at(instant) -> dict:
        capsys.readouterr()
        assert await run([*base, "--at", instant.isoformat()]) == 0
        return json.loads(capsys.readouterr().out)

    before = await state_at(admitted["recorded_at"].replace(microsecond=0).replace(year=2000))
    assert before["version"] == 0 and before["state"] is None
    between = await state_at(admitted["recorded_at"])
    assert between["version"] == 1 and between["position"] == admitted["position"]
    assert between["state"]["status"] == "active" and between["state"]["name"] == "Ville de Lyon"
    assert between["state"]["member_id"] == str(member_id)
    after = await state_at(suspended["recorded_at"])
    assert after["version"] == 2 and after["state"]["status"] == "suspended"
    assert after["state"]["status_since"] == "2020-01-01"


async def test_as_of_a_business_date_folds_what_had_occurred_by_its_end(fresh_dsn: str, store: PostgresEventStore,
                                                                        capsys) -> None:
    """Recorded today, dated in the past: --on answers in business time, for every stream."""
    commands = MembershipCommands(store)
    lyon, _ = await commands.execute(AdmitMember(scheme="association", kind="commune", name="Ville de Lyon",
                                                 admitted_on=date(2016, 6, 1)))
    await commands.execute(SuspendMember(member_id=lyon, reason="dues unpaid", on=date(2018, 5, 15)))
    lille, _ = await commands.execute(AdmitMember(scheme="association", kind="metropole", name="Métropole de Lille",
                                                  admitted_on=date(2018, 9, 1)))

    async def on(day: str) -> dict[str, dict]:
        capsys.readouterr()
        assert await run(["as-of", "--service", "membership", "--dsn", fresh_dsn, "--on", day]) == 0
        return {r["stream_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}

    may_2018 = await on("2018-05-14")
    assert set(may_2018) == {str(lyon)} and may_2018[str(lyon)]["state"]["status"] == "active"
    assert (await on("2018-05-15"))[str(lyon)]["state"]["status"] == "suspended"  # the suspension's own day
    late_2018 = await on("2018-12-31")
    assert set(late_2018) == {str(lyon), str(lille)}
    assert late_2018[str(lille)]["occurred_at"].startswith("2018-08-31T22:00")  # midnight in Paris, in UTC
    assert await on("2015-01-01") == {}


async def test_rebuild_command_swaps_in_the_member_directory(fresh_dsn: str, store: PostgresEventStore,
                                                            capsys) -> None:
    await populate(store, members=12)
    last = await store.last_position()
    capsys.readouterr()
    assert await run(["rebuild", "--service", "membership", "--dsn", fresh_dsn,
                      "--projection", "member_directory"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["events"] == last and report["checkpoints"] == {"lab27.membership.events": last}
    conn = await asyncpg.connect(fresh_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM member_directory.members") == 12
        assert await conn.fetchval("SELECT position FROM member_directory.checkpoint") == last
    finally:
        await conn.close()
    # Again, over the live schema this time: same rows.
    assert await run(["rebuild", "--service", "membership", "--dsn", fresh_dsn,
                      "--projection", "member_directory"]) == 0


async def test_export_topic_reads_the_published_events(fresh_dsn: str, kafka_bootstrap: str, tmp_path: Path,
                                                      capsys) -> None:
    service = f"c{uuid.uuid4().hex[:10]}"
    store = await open_store(fresh_dsn, service, max_size=4)
    try:
        await populate(store, members=8)
        stored = await events(fresh_dsn)
        async with Relay(fresh_dsn, kafka_bootstrap, service) as relay:
            await relay.wait_published(stored[-1]["position"])
        topic = f"lab27.{service}.events"
        out = tmp_path / "topic.jsonl"
        assert await run(["export-topic", "--bootstrap", kafka_bootstrap, "--topic", topic,
                          "--format", "jsonl", "--out", str(out)]) == 0
        assert [e.position for e in jsonl(out)] == [r["position"] for r in stored]
        await run(["export-topic", "--bootstrap", kafka_bootstrap, "--topic", topic, "--type", "MemberAdmitted",
                   "--format", "parquet", "--out", str(tmp_path / "admitted.parquet")])
        table = pq.read_table(tmp_path / "admitted.parquet")
        assert table.num_rows == 8 and set(table.column("type").to_pylist()) == {"membership.MemberAdmitted"}
        assert table.column("producer").to_pylist() == [service] * 8
    finally:
        await store.close()
    capsys.readouterr()


async def test_python_m_shared_cli_exports_to_stdout(fresh_dsn: str, store: PostgresEventStore) -> None:
    await populate(store, members=3)
    stored = await events(fresh_dsn)
    done = subprocess.run([sys.executable, "-m", "shared.cli", "export", "--service", "membership",
                           "--format", "csv", "--out", "-"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "POSTGRES_DSN": fresh_dsn}, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == len(stored) + 1
    assert f"{len(stored)} events exported" in done.stderr
