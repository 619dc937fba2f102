"""The cohorts application layer on the real embedded Postgres: host eligibility from the local
view, idempotent openings and enrolments, capacity under concurrent enrolments, and
crypto-shredding (an agent's name is nowhere in the store; forgetting destroys their key,
rewrites the key table, and every query, rebuild and replay then shows them forgotten)."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest

from services.cohorts.application import queries
from services.cohorts.application.commands import CohortCommands, EnrolAgentInput
from services.cohorts.application.personal_data import SealedEntry
from services.cohorts.domain import ForgetAgent, LogAbsence, OpenCohort, PutCohortOnHold, ResumeCohort, StartCohort
from services.cohorts.projections.directory import COHORT_DIRECTORY
from services.cohorts.projections.membership_view import MEMBERSHIP_VIEW
from services.cohorts.projections.roster import COHORT_ROSTER
from shared.application.requests import RequestMeta
from shared.contracts.cohorts import CohortStatus, SealedPersonalData
from shared.contracts.membership import MemberAdmitted, MemberKind, MemberLeft, Scheme, membership_registry
from shared.db import create_pool
from shared.domain.errors import AlreadyExists, NotFound, PreconditionFailed
from shared.events.codec import to_kafka
from shared.events.envelope import Envelope
from shared.eventstore.postgres import PostgresEventStore
from shared.projections import schema
from shared.projections.applier import Applier
from shared.projections.dead_letters import DeadLetters
from shared.projections.messages import Incoming
from shared.projections.rebuild import rebuild
from shared.settings import events_topic
from tests.integration.test_read_model_contract import records_of

pytestmark = pytest.mark.integration

COHORT_MODELS = (COHORT_DIRECTORY, COHORT_ROSTER)
NAME = "Zéphyrine Quatremare"  # a name no other row can contain by chance
EMAIL = "zephyrine.quatremare@ville-mulhouse.fr"
MULHOUSE = uuid.UUID("776e0172-6d0e-54cb-8db5-86bf6d95d580")
TODAY = date(2016, 9, 1)


@dataclass
class Service:
    """The cohorts application on one fresh database, with its read models fed by hand."""

    pool: asyncpg.Pool
    store: PostgresEventStore
    commands: CohortCommands
    dead: DeadLetters
    appliers: dict[str, Applier]
    membership_position: int = 0

    async def project(self) -> None:
        """Apply the cohorts store to the cohort read models, as the relay and runner would."""
        records = await records_of(self.store, events_topic("cohorts"))
        for model in COHORT_MODELS:
            assert not await self.appliers[model.name].apply(records)

    async def membership(self, event) -> None:
        """One membership event into the local view, as it arrives from membership's topic."""
        self.membership_position += 1
        _, _, data = membership_registry().encode(event)
        now = datetime.now(UTC)
        envelope = Envelope(event_id=uuid.uuid4(), type=event.event_type, schema_version=event.schema_version,
                            stream_id=str(event.member_id), stream_type="membership.Member",
                            version=self.membership_position, position=self.membership_position, occurred_at=now,
                            recorded_at=now, producer="membership", data=data)
        key, value, headers = to_kafka(envelope)
        record = Incoming(events_topic("membership"), self.membership_position, key, value, headers)
        assert not await self.appliers[MEMBERSHIP_VIEW.name].apply([record])

    async def admit(self, member_id: uuid.UUID = MULHOUSE) -> None:
        await self.membership(MemberAdmitted(
            member_id=member_id, scheme=Scheme.ASSOCIATION, kind=MemberKind.COMMUNE, name="Ville de Mulhouse",
            siren=None, identity_key="name:ville de mulhouse", territory="Haut-Rhin", contacts=(),
            admitted_on=date(2016, 1, 4), dues_paid_until=2016))

    async def open_lab(self, capacity: int = 20, request_id: str | None = None) -> uuid.UUID:
        cohort_id, _outcome = await self.commands.execute(OpenCohort(
            kind="lab", host_member_id=MULHOUSE, theme="Bibliothèques", project_statement="La carte culture",
            planned_start=date(2016, 6, 1), opened_on=date(2016, 5, 2), duration_months=16, capacity=capacity),
            RequestMeta(request_id=request_id or ""))
        return cohort_id

    async def enrol(self, cohort_id: uuid.UUID, name: str = NAME, email: str | None = EMAIL, category: str = "b",
                    request_id: str | None = None, department: str = "Culture"):
        return await self.commands.execute(EnrolAgentInput(
            cohort_id=cohort_id, category=category, home_department=department, name=name, email=email,
            enrolled_on=date(2016, 6, 1)), RequestMeta(request_id=request_id or ""))


@pytest.fixture
async def service(stack, fresh_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Service]:
    store = await PostgresEventStore.connect(fresh_dsn, "cohorts", max_size=4)
    await store.migrate()
    pool = await create_pool(fresh_dsn, max_size=6)
    commands = CohortCommands(store, pool)
    await commands.keys.migrate()
    async with pool.acquire() as conn:
        for model in (*COHORT_MODELS, MEMBERSHIP_VIEW):
            await schema.install(conn, model.name, model.ddl_text())
    dead = DeadLetters(kafka_bootstrap, f"cohorts{uuid.uuid4().hex[:8]}")
    await dead.start()
    appliers = {m.name: Applier(m, pool, dead) for m in (*COHORT_MODELS, MEMBERSHIP_VIEW)}
    try:
        yield Service(pool, store, commands, dead, appliers)
        assert dead.count == 0
    finally:
        await dead.stop()
        await pool.close()
        await store.close()


async def relation_bytes(pool: asyncpg.Pool, relation: str) -> bytes:
    """The relation's data file as Postgres wrote it to disk (after a checkpoint)."""
    await pool.execute("CHECKPOINT")
    data_dir = await pool.fetchval("SHOW data_directory")
    return (Path(data_dir) / await pool.fetchval("SELECT pg_relation_filepath($1)", relation)).read_bytes()


async def every_row_as_text(pool: asyncpg.Pool) -> str:
    tables = await pool.fetch("""SELECT table_schema, table_name FROM information_schema.tables
                                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema')""")
    texts = []
    for t in tables:
        rows = await pool.fetch(f'SELECT t::text AS row FROM "{t["table_schema"]}"."{t["table_name"]}" t')
        texts += [r["row"] for r in rows]
    return "\n".join(texts)


# --- host eligibility -------------------------------------------------------------------------


async def test_only_an_active_member_of_the_association_may_open_a_cohort(service: Service):
    with pytest.raises(PreconditionFailed, match="not a member of the association"):
        await service.open_lab()
    await service.admit()
    cohort_id = await service.open_lab()
    await service.membership(MemberLeft(member_id=MULHOUSE, scheme=Scheme.ASSOCIATION, reason="budget",
                                        on=date(2017, 1, 2)))
    with pytest.raises(PreconditionFailed, match="has left the association"):
        await service.open_lab()
    # ...and a cohort on hold does not resume for a host that has left.
    await service.commands.execute(PutCohortOnHold(cohort_id=cohort_id, reason="host left", on=date(2017, 1, 3)))
    with pytest.raises(PreconditionFailed, match="has left"):
        await service.commands.execute(ResumeCohort(cohort_id=cohort_id, on=date(2017, 2, 1)))


async def test_a_halles_civiques_member_is_not_a_member_of_the_association(service: Service):
    await service.membership(MemberAdmitted(
        member_id=MULHOUSE, scheme=Scheme.HALLES_CIVIQUES, kind=MemberKind.ASSOCIATION, name="Collectif",
        siren=None, identity_key="name:collectif", territory="", contacts=(), admitted_on=date(2018, 3, 1),
        dues_paid_until=2018))
    with pytest.raises(PreconditionFailed, match="not a member"):
        await service.open_lab()


async def test_the_command_waits_for_the_local_view_when_given_a_membership_token(service: Service):
    waited: list[dict] = []

    async def wait_for_views(positions):
        waited.append(dict(positions))
        await service.admit()  # the view catches up while the command waits

    commands = CohortCommands(service.store, service.pool, wait_for_views=wait_for_views)
    token = {events_topic("membership"): 1}
    _cohort_id, outcome = await commands.execute(OpenCohort(
        kind="workshop", host_member_id=MULHOUSE, theme="L'évaluation", project_statement="Les Éclaireurs",
        planned_start=date(2018, 3, 5), opened_on=date(2018, 2, 1), duration_days=2),
        RequestMeta(consistency_token=token))
    assert waited == [token] and outcome.events


async def test_a_retried_opening_answers_with_the_first_cohort(service: Service):
    await service.admit()
    first = await service.open_lab(request_id="open-mulhouse-1")
    again, outcome = await service.commands.execute(OpenCohort(
        kind="lab", host_member_id=MULHOUSE, theme="Bibliothèques", project_statement="La carte culture",
        planned_start=date(2016, 6, 1), opened_on=date(2016, 5, 2), duration_months=16),
        RequestMeta(request_id="open-mulhouse-1"))
    assert again == first and outcome.duplicate
    assert await service.pool.fetchval("SELECT count(DISTINCT stream_id) FROM events") == 1


# --- enrolments -------------------------------------------------------------------------------


async def test_25_concurrent_enrolments_into_20_places(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    results = await asyncio.gather(*(service.enrol(cohort_id, name=f"Agent Numéro {n}", email=None)
                                     for n in range(25)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 5 and all(isinstance(r, PreconditionFailed) and "cohort is full" in str(r)
                                     for r in refused)
    await service.project()
    page = await queries.roster(service.pool, service.commands.keys, cohort_id, requested_size=100)
    assert page.total_size == 20
    # The refused enrolments' keys were dropped: one key per agent on the roster.
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys") == 20


async def test_the_same_person_cannot_be_enrolled_twice(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    first, _ = await service.enrol(cohort_id)
    with pytest.raises(AlreadyExists):  # the same email, whatever the name
        await service.enrol(cohort_id, name="Z. Quatremare", email=EMAIL.upper())
    # Without an email, the same name (accents, case, spaces aside) in the same department.
    await service.enrol(cohort_id, name="Jean-Marc Lefèvre", email=None)
    with pytest.raises(AlreadyExists):
        await service.enrol(cohort_id, name="  jean-marc  LEFEVRE", email=None, department="culture")
    namesake, _ = await service.enrol(cohort_id, name="Jean-Marc Lefèvre", email=None, department="Espaces verts")
    assert namesake != first
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys") == 3


async def test_a_retried_enrolment_answers_with_the_first_agent_and_keeps_no_spare_key(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    first, _ = await service.enrol(cohort_id, request_id="enrol-1")
    again, again_outcome = await service.enrol(cohort_id, request_id="enrol-1")
    changed, changed_outcome = await service.enrol(cohort_id, name="Another Name", email="another@ville.fr",
                                                   request_id="enrol-1")
    assert again_outcome.duplicate and changed_outcome.duplicate
    assert first == again == changed
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys") == 1
    # A request id first used for another command: its first result, and nobody enrolled.
    await service.commands.execute(StartCohort(cohort_id=cohort_id, on=date(2016, 6, 1)), RequestMeta(request_id="s"))
    nobody, reused = await service.enrol(cohort_id, name="Nouvelle Personne", email=None, request_id="s")
    assert nobody is None and reused.duplicate
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys") == 1


# --- crypto-shredding -------------------------------------------------------------------------


async def test_an_agents_name_is_stored_nowhere_in_clear(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    await service.enrol(cohort_id)
    await service.project()
    everything = await every_row_as_text(service.pool)
    for secret in (NAME, EMAIL, "Quatremare", "quatremare"):
        assert secret not in everything
    for relation in ("events", "cohort_roster.agents"):
        raw = await relation_bytes(service.pool, relation)
        assert NAME.encode() not in raw and EMAIL.encode() not in raw
    # ...while a query, holding the key, answers with it.
    [entry] = (await queries.roster(service.pool, service.commands.keys, cohort_id)).rows
    assert (entry.details.name, entry.details.email) == (NAME, EMAIL) and not entry.forgotten


async def test_forgetting_destroys_the_key_for_every_query_rebuild_and_replay(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    agent, _ = await service.enrol(cohort_id, category="c")
    other, _ = await service.enrol(cohort_id, name="Agent Resté", email=None, category="a")
    await service.commands.execute(StartCohort(cohort_id=cohort_id, on=date(2016, 6, 1)))
    await service.commands.execute(LogAbsence(cohort_id=cohort_id, agent_id=agent, on=date(2016, 6, 6), days=4))
    await service.project()
    key = await service.pool.fetchval("SELECT key FROM agent_keys WHERE agent_id = $1", agent)
    filenode = await service.pool.fetchval("SELECT pg_relation_filenode('agent_keys')")
    before = await queries.progress(service.pool, cohort_id, TODAY)

    _, forgot = await service.commands.execute(ForgetAgent(cohort_id=cohort_id, agent_id=agent),
                                               RequestMeta(request_id="f"))
    assert [e.event_type for e in forgot.events] == ["cohorts.AgentForgotten"]
    await service.project()

    # The key is gone, and so is the dead row: VACUUM FULL wrote the table anew.
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys WHERE agent_id = $1", agent) == 0
    assert await service.pool.fetchval("SELECT pg_relation_filenode('agent_keys')") != filenode
    assert key not in await relation_bytes(service.pool, "agent_keys")

    async def shows_forgotten() -> None:
        page = await queries.roster(service.pool, service.commands.keys, cohort_id)
        entries = {e.row["agent_id"]: e for e in page.rows}
        assert entries[agent].forgotten and entries[agent].details is None
        assert entries[agent].row["category"] == "c" and entries[agent].row["home_department"] == "Culture"
        assert entries[agent].row["days_used"] == 4
        assert entries[other].details.name == "Agent Resté"  # the others keep theirs
        after = await queries.progress(service.pool, cohort_id, TODAY)
        assert (after.agents_enrolled, after.category_mix, after.absence_days_used) == (
            before.agents_enrolled, before.category_mix, before.absence_days_used)

    await shows_forgotten()
    # A rebuild folds the same events (sealed data, then AgentForgotten): still forgotten.
    report = await rebuild(COHORT_ROSTER, service.pool, stores={events_topic("cohorts"): service.store})
    assert report.skipped_poison == 0
    await shows_forgotten()
    # A replay that drops the AgentForgotten event still cannot open the sealed data: no key.
    [sealed] = await service.pool.fetch(
        "SELECT data FROM events WHERE type = 'cohorts.AgentEnrolled' AND data->>'agent_id' = $1", str(agent))
    entry = SealedEntry(cohort_id, agent, SealedPersonalData(**sealed["data"]["personal"]))
    assert await service.commands.keys.reveal([entry]) == {}

    # Forgetting again is accepted and changes nothing; the retry answers with the first result.
    _, retried = await service.commands.execute(ForgetAgent(cohort_id=cohort_id, agent_id=agent),
                                                RequestMeta(request_id="f"))
    assert retried.duplicate
    _, again = await service.commands.execute(ForgetAgent(cohort_id=cohort_id, agent_id=agent))
    assert again.events == ()


async def test_forgetting_an_agent_of_another_cohort_destroys_nothing(service: Service):
    await service.admit()
    cohort_id = await service.open_lab()
    other_cohort = await service.open_lab()
    agent, _ = await service.enrol(cohort_id)
    with pytest.raises(NotFound, match="not on this cohort's roster"):
        await service.commands.execute(ForgetAgent(cohort_id=other_cohort, agent_id=agent))
    assert await service.pool.fetchval("SELECT count(*) FROM agent_keys WHERE agent_id = $1", agent) == 1


async def test_queries_over_the_read_models(service: Service):
    await service.admit()
    cohort_id = await service.open_lab(capacity=5)
    agents = [(await service.enrol(cohort_id, name=f"Agent {i}", email=None, category=c))[0]
              for i, c in enumerate("aabc")]
    await service.commands.execute(StartCohort(cohort_id=cohort_id, on=date(2016, 6, 1)))
    await service.project()
    progress = await queries.progress(service.pool, cohort_id, date(2016, 6, 22))
    assert progress.weeks_elapsed == 3 and progress.category_mix == {"a": 2, "b": 1, "c": 1}
    assert progress.agents_enrolled == 4 and progress.attrition_rate == 0.0
    assert progress.absence_budget_total == 160
    listed = await queries.list_cohorts(service.pool, queries.CohortFilter(host_member_id=MULHOUSE, status=None))
    assert [r["cohort_id"] for r in listed.rows] == [cohort_id]
    running = await queries.list_cohorts(service.pool, queries.CohortFilter(status=CohortStatus.OPEN))
    assert running.total_size == 0
    history = await queries.host_history(service.pool, MULHOUSE)
    assert history.host["name"] == "Ville de Mulhouse" and history.cohorts[0]["agents_enrolled"] == len(agents)
    first = await queries.roster(service.pool, service.commands.keys, cohort_id, requested_size=3)
    rest = await queries.roster(service.pool, service.commands.keys, cohort_id, requested_size=3,
                                page_token=first.next_page_token)
    assert [e.row["agent_id"] for e in first.rows + rest.rows] == sorted(agents) and not rest.next_page_token
