"""Session fixtures: ONE embedded Postgres for the whole run, and one broker per broker tier.

Every test that touches a broker runs once per tier: on tansu (the embedded default) and
on a real Apache Kafka (shared.stack.kafka, what docker-compose.yml runs). The tier is a
session-scoped parameter, ``broker_kind``, that ``stack``, ``kafka_bootstrap`` and
``private_broker`` depend on, so a test that asks for any of them (directly, or through a
fixture such as tests/e2e's service fixtures) is collected as ``test_x[tansu]`` and
``test_x[kafka]`` with no work of its own. A test that needs only Postgres (``fresh_dsn``,
``postgres_stack``) runs once.

The tiers: ``--broker tansu --broker kafka`` (or LAB27_TEST_BROKERS=tansu,kafka); a tier
asked for that cannot run is an error. Without either, tansu, plus Apache Kafka when java
and mvn are on PATH (the run's last line then says why it did not run).

Everything is started by the same launcher as `make run`, on free ports, with its data in a
throw-away folder under .lab27/, so a test run can sit beside a running `make run`.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from shared.stack.kafka import unavailable_reason
from shared.stack.stack import BROKER_KINDS, Broker, Stack, embedded_broker
from tests._db import admin_dsn, create_database, database_dsn, drop_database

pytest_plugins = ["tests._leaked_threads"]
ROOT = Path(__file__).resolve().parent.parent
BROKERS_ENV = "LAB27_TEST_BROKERS"
_TIERS = pytest.StashKey[list]()
_not_run: list[str] = []  # why a default tier did not run, for the summary


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--broker", action="append", choices=BROKER_KINDS, dest="brokers",
                     help="run the broker tests on this broker (repeatable); default: tansu, and kafka "
                          f"when java and mvn are on PATH; or {BROKERS_ENV}=tansu,kafka")


def _tiers(config: pytest.Config) -> list[str]:
    chosen = config.getoption("brokers") or [k for k in os.environ.get(BROKERS_ENV, "").split(",") if k]
    unknown = sorted(set(chosen) - set(BROKER_KINDS))
    if unknown:
        raise pytest.UsageError(f"{BROKERS_ENV}: unknown broker(s) {unknown}; one of {BROKER_KINDS}")
    reason = unavailable_reason()
    if chosen:
        if "kafka" in chosen and reason:
            raise pytest.UsageError(f"the Apache Kafka tier was asked for but cannot run: {reason}")
        return list(dict.fromkeys(chosen))
    if reason:
        _not_run[:] = [f"Apache Kafka tier NOT run: {reason}; the broker tests ran on tansu only."]
        return ["tansu"]
    return list(BROKER_KINDS)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TIERS] = _tiers(config)
    # Before any test module imports grpc: its fork handlers run in every child this process
    # forks (EmbeddedPostgres runs pg_ctl as another user, which needs a real fork), and with
    # grpc's threads busy they crashed one: "pg_ctl ... died with SIGSEGV" while starting a
    # test's own Postgres, after "Other threads are currently calling into gRPC, skipping
    # fork() handlers". The children exec at once and need none of grpc's state.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "broker_kind" in metafunc.fixturenames:
        metafunc.parametrize("broker_kind", metafunc.config.stash[_TIERS], indirect=True, scope="session")


def pytest_terminal_summary(terminalreporter) -> None:
    for line in _not_run:
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(scope="session")
def session_root() -> Iterator[Path]:
    root = ROOT / ".lab27" / f"test-{os.getpid()}"
    root.mkdir(parents=True, exist_ok=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_stack(session_root: Path) -> Iterator[Stack]:
    """The session's Postgres (POSTGRES_DSN's server if set), shared by both broker tiers."""
    started = Stack.from_env(session_root).start_postgres()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def broker_kind(request: pytest.FixtureRequest) -> str:
    """The broker tier: "tansu" or "kafka" (see pytest_generate_tests)."""
    return request.param


@pytest.fixture(scope="session")
def stack(postgres_stack: Stack, broker_kind: str) -> Iterator[Stack]:
    """The session's Postgres plus this tier's broker (KAFKA_BOOTSTRAP_SERVERS's if set)."""
    started = dataclasses.replace(postgres_stack, broker_kind=broker_kind, broker=None).start_broker()
    try:
        yield started
    finally:
        if started.broker is not None:
            started.broker.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: Stack) -> str:
    return stack.kafka_bootstrap_servers


@pytest.fixture
def private_broker(broker_kind: str, session_root: Path) -> Iterator[Callable[[], Broker]]:
    """Starts brokers of this tier that only the test uses (a topic name no other test sees,
    or a broker the test restarts); all stopped after the test."""
    started: list[Broker] = []

    def start() -> Broker:
        broker = embedded_broker(broker_kind, session_root / f"broker-{uuid.uuid4().hex[:8]}")
        started.append(broker)
        return broker.start()

    try:
        yield start
    finally:
        for broker in started:
            broker.stop()


@pytest.fixture
async def fresh_dsn(postgres_stack: Stack) -> AsyncIterator[str]:
    """A brand-new empty database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = admin_dsn(postgres_stack)
    await create_database(admin, name)
    yield database_dsn(admin, name)
    await drop_database(admin, name)


def unique_topic(prefix: str = "lab27.test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"
