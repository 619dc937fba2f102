"""Cohorts and membership as separate processes on one broker: the host-left reaction acts once
(membership's events delivered twice, then replayed from the beginning, change nothing more),
a forgotten agent's name is nowhere (database dump, topic, exports, rebuilds), and a kill -9
under load loses no acknowledged enrolment.

Faults are injected the way they happen: records produced again to the broker, a process
restarted or killed. What the test checks besides the API (the store's rows, a pg_dump, the
topic, the analysts' exports) is its own look at what the service left behind."""
from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from datetime import date
from pathlib import Path
from uuid import UUID

import grpc
import pytest

from shared import cli
from shared.application.consistency import decode_token
from shared.contracts.cohorts import SealedPersonalData
from shared.grpc.client import retry_delay
from shared.kafka import producer
from shared.stack.postgres import _bin
from services.cohorts.application.personal_data import unseal
from tests._db import execute, fetch
from tests.e2e.cohorts_calls import (
    admit,
    cpb,
    d,
    enrol,
    enrol_request,
    failure,
    leave,
    open_lab,
    rid,
    roster_of,
    start,
)
from tests.integration.test_faults_broker import read_all_records

pytestmark = pytest.mark.e2e

SERVICES = ("membership", "cohorts")
# The machine running the tests is shared: a loop late by tens of milliseconds must not make
# admission control refuse the setup's commands (the kill test still copes with RESOURCE_EXHAUSTED).
SERVICE_ENV = {"MAX_LOOP_LAG_MS": "1000"}
MEMBERSHIP_TOPIC, COHORTS_TOPIC = "lab27.membership.events", "lab27.cohorts.events"
REACTION = "cohorts_host_left"


async def read_with_token(call, timeout: float = 60.0):
    """A token query while the service recovers from a restart: UNAVAILABLE (not caught up
    within the service's bounded wait) is retried until ``timeout``; any other error fails."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise


async def topic_records(system, topic: str, last_position: int) -> list:
    """Every record of ``topic`` from offset 0 up to the one of ``last_position``."""
    return await read_all_records(system.broker.bootstrap_servers, topic, expect=0, until={last_position})


def position(token: str, topic: str = MEMBERSHIP_TOPIC) -> int:
    return decode_token(token)[topic]


async def admitted_call(call, attempts: int = 50):
    """A command retried while admission control refuses it (RESOURCE_EXHAUSTED: nothing was
    stored), after the delay the refusal asks for: a client under load does so."""
    for _ in range(attempts - 1):
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            await asyncio.sleep(retry_delay(error) or 0.05)
    return await call()


# --- the host-left reaction ----------------------------------------------------------------------


async def cohort(stub, cohort_id: str, token: str = "") -> cpb.Cohort:
    return (await stub.GetCohort(cpb.GetCohortRequest(cohort_id=cohort_id, consistency_token=token),
                                 timeout=10)).cohort


async def test_a_departed_host_s_cohorts_go_on_hold_once(system):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, admitted = await admit(membership, "Ville de Départ")
    running = (await open_lab(cohorts, host, admitted)).cohort_id
    await start(cohorts, running)
    not_started = (await open_lab(cohorts, host, admitted)).cohort_id
    completed = (await open_lab(cohorts, host, admitted)).cohort_id
    await start(cohorts, completed)
    await cohorts.CompleteCohort(cpb.CompleteCohortRequest(
        request_id=rid(), cohort_id=completed, effective_date=d(date(2025, 12, 1))), timeout=10)
    held_by_client = (await open_lab(cohorts, host, admitted)).cohort_id
    await start(cohorts, held_by_client)
    await cohorts.PutCohortOnHold(cpb.PutCohortOnHoldRequest(
        request_id=rid(), cohort_id=held_by_client, reason="works in the building",
        effective_date=d(date(2025, 10, 1))), timeout=10)
    other_host, other_admitted = await admit(membership, "Ville Qui Reste")
    others = (await open_lab(cohorts, other_host, other_admitted)).cohort_id
    await start(cohorts, others)

    left = await leave(membership, host, "merged into the metropolis")
    # The departure's token, passed to a cohorts query: no sleep, no polling.
    for cohort_id in (running, not_started):
        got = await cohort(cohorts, cohort_id, left)
        assert got.status == cpb.COHORT_STATUS_ON_HOLD, cohort_id
        assert got.hold_reason == "host left the association: merged into the metropolis"
    assert (await cohort(cohorts, completed, left)).status == cpb.COHORT_STATUS_COMPLETED
    assert (await cohort(cohorts, held_by_client, left)).hold_reason == "works in the building"
    assert (await cohort(cohorts, others, left)).status == cpb.COHORT_STATUS_RUNNING
    listed = await cohorts.ListCohorts(cpb.ListCohortsRequest(
        host_member_id=host, status=cpb.COHORT_STATUS_ON_HOLD, consistency_token=left), timeout=10)
    assert sorted(c.cohort_id for c in listed.cohorts) == sorted([running, not_started, held_by_client])
    history = await cohorts.GetHostHistory(cpb.GetHostHistoryRequest(host_member_id=host, consistency_token=left),
                                           timeout=10)
    assert history.standing == cpb.HOST_STANDING_LEFT
    # Resuming needs an active host: refused now.
    resumed = await failure(cohorts.ResumeCohort(cpb.ResumeCohortRequest(
        request_id=rid(), cohort_id=running, consistency_token=left), timeout=10))
    assert resumed.code() == grpc.StatusCode.FAILED_PRECONDITION and "has left" in resumed.details()

    ids = (running, not_started, completed, held_by_client, others)
    before = {cohort_id: await cohort(cohorts, cohort_id) for cohort_id in ids}
    stored = await stored_events(system)
    assert [r["type"] for r in stored if r["stream_id"] in (running, not_started)].count(
        "cohorts.CohortPutOnHold") == 2

    async def unchanged(token: str) -> None:
        """Host eligibility and holds as they were, nothing stored twice, nothing refused."""
        for cohort_id in ids:
            assert await cohort(cohorts, cohort_id, token) == before[cohort_id]
        assert await stored_events(system) == stored
        assert await fetch(system.cohorts.dsn, f"SELECT * FROM {REACTION}.anomalies") == []
        gone = await failure(open_lab(cohorts, host, token))
        assert gone.code() == grpc.StatusCode.FAILED_PRECONDITION and "has left" in gone.details()
        opened = await open_lab(cohorts, other_host, token)
        assert opened.result.version == 1
        stored.append({"stream_id": opened.cohort_id, "version": 1, "type": "cohorts.CohortOpened"})
        assert await stored_events(system) == stored

    # 1. Every membership record delivered twice: produced again to the broker, in order.
    records = await topic_records(system, MEMBERSHIP_TOPIC, position(left))
    send = producer(system.broker.bootstrap_servers)
    await send.start()
    try:
        for record in records:
            await send.send(MEMBERSHIP_TOPIC, record.value, record.key, partition=0, headers=list(record.headers))
        await send.flush()
    finally:
        await send.stop()
    _, probe = await admit(membership, "Commune Sonde")  # published after the copies: a token past them
    await unchanged(probe)

    # 2. Replayed from the beginning: the view's and the reaction's checkpoints deleted (as an
    # operator resetting them would); the next membership record shows them the gap, and both
    # read the topic again from offset 0, the originals and their copies.
    await execute(system.cohorts.dsn, f"DELETE FROM membership_view.checkpoint; DELETE FROM {REACTION}.checkpoint")
    _, probe = await admit(membership, "Commune Sonde Du Rejeu")
    await cohort(cohorts, running, probe)  # answered once the reaction has handled the probe
    replayed = await fetch(system.cohorts.dsn, f"SELECT source, position FROM {REACTION}.checkpoint")
    assert {r["source"]: r["position"] for r in replayed}[MEMBERSHIP_TOPIC] >= position(probe)
    await unchanged(probe)


async def stored_events(system) -> list[dict]:
    return await fetch(system.cohorts.dsn, "SELECT stream_id, version, type FROM events ORDER BY position")


# --- forgetting an agent ----------------------------------------------------------------------------


def pg_dump(dsn: str) -> bytes:
    """The cohorts database as pg_dump writes it (the embedded Postgres' own pg_dump)."""
    return subprocess.run([_bin("pg_dump"), "--dbname", dsn], check=True, capture_output=True, timeout=60).stdout


def dumped_keys(dump: bytes) -> list[bytes]:
    """Every key in the dump's agent_keys table (COPY text format, bytea as \\x hex)."""
    lines = dump.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY public.agent_keys "))
    columns = lines[start].split("(", 1)[1].split(")", 1)[0].split(", ")
    keys = []
    for line in lines[start + 1:]:
        if line == "\\.":
            return keys
        keys.append(bytes.fromhex(line.split("\t")[columns.index("key")].removeprefix("\\\\x")))
    raise AssertionError("agent_keys COPY block never ends")


def opened_by_any(keys: list[bytes], sealed: SealedPersonalData, cohort_id: str, agent_id: str) -> list[str]:
    return [details.name for key in keys
            if (details := unseal(key, sealed, UUID(cohort_id), UUID(agent_id))) is not None]


def searchable(path: Path) -> bytes:
    """An export as bytes to search: a Parquet file's cells (its pages are compressed)."""
    if path.suffix != ".parquet":
        return path.read_bytes()
    import pyarrow.parquet as pq

    return json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False).encode()


async def test_a_forgotten_agent_is_nowhere_and_the_figures_stay(system, tmp_path: Path, capsys):
    membership, cohorts = system.membership.stub, system.cohorts.stub
    host, admitted = await admit(membership, "Ville de Mémoire")
    cohort_id = (await open_lab(cohorts, host, admitted)).cohort_id
    await start(cohorts, cohort_id)
    tag = uuid.uuid4().hex[:10]
    name, email = f"Zephyrine Quatremare {tag}", f"zq.{tag}@ville-memoire.fr"
    kept = await enrol(cohorts, cohort_id, "Agent Qui Reste", category=cpb.AGENT_CATEGORY_A)
    enrolled = await enrol(cohorts, cohort_id, name, email=email, category=cpb.AGENT_CATEGORY_C, department="Urbanisme")
    agent_id = enrolled.agent_id
    logged = await cohorts.LogAbsence(cpb.LogAbsenceRequest(
        request_id=rid(), cohort_id=cohort_id, agent_id=agent_id, absence_date=d(date(2025, 10, 6)), days=5),
        timeout=10)
    token = logged.result.consistency_token
    roster = {a.agent_id: a for a in await roster_of(cohorts, cohort_id, token)}
    assert (roster[agent_id].name, roster[agent_id].email) == (name, email)

    async def figures(token: str) -> tuple:
        p = (await cohorts.GetProgress(cpb.GetProgressRequest(cohort_id=cohort_id, consistency_token=token),
                                       timeout=10)).progress
        return (p.agents_enrolled, p.agents_active, list(p.category_mix), p.absence_days_used,
                p.most_absence_days_used)

    figures_before = await figures(token)
    cohorts_position = position(token, COHORTS_TOPIC)
    [enrolment] = [json.loads(r.value) for r in await topic_records(system, COHORTS_TOPIC, cohorts_position)
                   if json.loads(r.value)["type"] == "cohorts.AgentEnrolled"
                   and json.loads(r.value)["data"]["agent_id"] == agent_id]
    sealed = SealedPersonalData(**enrolment["data"]["personal"])
    # The control: until forgotten, one key in the database opens what the topic carries.
    assert opened_by_any(dumped_keys(pg_dump(system.cohorts.dsn)), sealed, cohort_id, agent_id) == [name]

    forgotten = await cohorts.ForgetAgent(cpb.ForgetAgentRequest(request_id=rid(), cohort_id=cohort_id,
                                                                 agent_id=agent_id), timeout=10)
    token = forgotten.result.consistency_token
    roster = {a.agent_id: a for a in await roster_of(cohorts, cohort_id, token)}
    agent = roster[agent_id]
    assert (agent.forgotten, agent.name, agent.email) == (True, "", "")
    assert (agent.category, agent.home_department, agent.absence_days_used) == (cpb.AGENT_CATEGORY_C, "Urbanisme", 5)
    assert roster[kept.agent_id].name == "Agent Qui Reste" and not roster[kept.agent_id].forgotten
    assert await figures(token) == figures_before

    # Nowhere in the database (pg_dump), and no key left there opens the sealed data.
    dump = pg_dump(system.cohorts.dsn)
    needles = (name.encode(), email.encode(), tag.encode())
    assert not [n for n in needles if n in dump]
    assert opened_by_any(dumped_keys(dump), sealed, cohort_id, agent_id) == []
    # Nowhere in the topic, read end to end.
    records = await topic_records(system, COHORTS_TOPIC, position(token, COHORTS_TOPIC))
    assert any(json.loads(r.value)["type"] == "cohorts.AgentForgotten" for r in records)
    for record in records:
        raw = b"".join([record.key or b"", record.value, *(v for _k, v in record.headers)])
        assert not [n for n in needles if n in raw]
    # Nowhere in any export of the store or of the topic.
    exports = []
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"store.{fmt}"
        assert await cli.run(["export", "--service", "cohorts", "--dsn", system.cohorts.dsn, "--format", fmt,
                              "--out", str(out)]) == 0
        exports.append(out)
        out = tmp_path / f"topic.{fmt}"
        assert await cli.run(["export-topic", "--bootstrap", system.broker.bootstrap_servers, "--topic",
                              COHORTS_TOPIC, "--format", fmt, "--out", str(out)]) == 0
        exports.append(out)
    for out in exports:
        text = searchable(out)
        assert agent_id.encode() in text, out  # the export holds the agent's events...
        assert not [n for n in needles if n in text], out  # ...and never their name

    # Nor in a state as of now (lab27 as-of folds the cohort from the store).
    capsys.readouterr()
    assert await cli.run(["as-of", "--service", "cohorts", "--dsn", system.cohorts.dsn, "--stream", cohort_id,
                          "--on", "2099-12-31"]) == 0
    state = capsys.readouterr().out
    assert agent_id in json.loads(state)["state"]["agents"] and not [n for n in needles if n in state.encode()]

    # Rebuilt from the store, the read models show the agent forgotten, figures unchanged.
    for model in ("cohort_roster", "cohort_directory"):
        assert await cli.run(["rebuild", "--service", "cohorts", "--dsn", system.cohorts.dsn, "--projection", model,
                              "--bootstrap", system.broker.bootstrap_servers]) == 0
    roster = {a.agent_id: a for a in await roster_of(cohorts, cohort_id, token)}
    assert (roster[agent_id].forgotten, roster[agent_id].name) == (True, "")
    assert roster[kept.agent_id].name == "Agent Qui Reste"
    assert await figures(token) == figures_before
    # Forgetting again changes nothing.
    again = await cohorts.ForgetAgent(cpb.ForgetAgentRequest(request_id=rid(), cohort_id=cohort_id,
                                                             agent_id=agent_id), timeout=10)
    assert again.result.version == forgotten.result.version


# --- kill -9 under load ------------------------------------------------------------------------


async def test_kill_9_under_load_loses_no_acknowledged_enrolment(system):
    membership = system.membership.stub
    cohorts = system.cohorts.stub
    host, admitted = await admit(membership, "Ville Robuste")
    cohort_ids = []
    for _ in range(3):
        opened = await open_lab(cohorts, host, admitted, capacity=200)
        await start(cohorts, opened.cohort_id)
        cohort_ids.append(opened.cohort_id)
    total, in_flight, kill_after = 150, 16, 50
    requests = [enrol_request(cohort_ids[i % 3], f"Agent Crash {i:03d}") for i in range(total)]
    acked: dict[int, cpb.EnrolAgentResponse] = {}
    failed: dict[int, grpc.StatusCode] = {}
    killed = asyncio.Event()
    gate = asyncio.Semaphore(in_flight)

    async def one(i: int) -> None:
        async with gate:
            if killed.is_set():
                return
            try:
                acked[i] = await cohorts.EnrolAgent(requests[i], timeout=20)
            except grpc.aio.AioRpcError as error:
                failed[i] = error.code()
                return
            if len(acked) >= kill_after and not killed.is_set():
                killed.set()
                await system.cohorts.kill()

    await asyncio.gather(*(one(i) for i in range(total)))
    assert killed.is_set() and not system.cohorts.running()
    # Calls cut by the kill fail as the transport failing; on a busy machine admission control
    # may refuse some before they run (RESOURCE_EXHAUSTED: nothing stored); never UNKNOWN.
    assert set(failed.values()) <= {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                    grpc.StatusCode.RESOURCE_EXHAUSTED}, failed

    await system.cohorts.start()  # same database, same broker
    cohorts = system.cohorts.stub
    probe = await admitted_call(lambda: cohorts.EnrolAgent(enrol_request(cohort_ids[0], "Agent Sonde"), timeout=20))

    async def agents(token: str) -> dict[str, cpb.Agent]:
        found = {}
        for cohort_id in cohort_ids:
            roster = await roster_of(cohorts, cohort_id, token)
            assert len({a.agent_id for a in roster}) == len(roster)
            found.update((a.agent_id, a) for a in roster)
        return found

    present = await read_with_token(lambda: agents(probe.result.consistency_token))
    for i, reply in acked.items():
        assert present[reply.agent_id].name == requests[i].name  # every acknowledged enrolment, once

    # Retrying every request completes the batch: the stored ones answer duplicate with their
    # first agent id, the others are enrolled now; none is refused.
    async def retry(i: int) -> cpb.EnrolAgentResponse:
        async with gate:
            return await admitted_call(lambda: cohorts.EnrolAgent(requests[i], timeout=20))

    retried = await asyncio.gather(*(retry(i) for i in range(total)))
    for i, reply in enumerate(retried):
        if i in acked:
            assert reply.result.duplicate and reply.agent_id == acked[i].agent_id
    last = max(retried, key=lambda r: position(r.result.consistency_token, COHORTS_TOPIC))
    present = await agents(last.result.consistency_token)
    assert sorted(a.name for a in present.values()) == sorted([r.name for r in requests] + ["Agent Sonde"])
    [stored] = await fetch(system.cohorts.dsn, """SELECT count(*) AS n, count(DISTINCT data->>'agent_id') AS agents
                                                 FROM events WHERE type = 'cohorts.AgentEnrolled'
                                                 AND stream_id = ANY($1::text[])""", cohort_ids)
    assert (stored["n"], stored["agents"]) == (total + 1, total + 1)
