"""Session fixtures: ONE real embedded stack (Postgres + tansu) for the whole test run.

Started by the same launcher as `make run`, on free ports, with its data in a throw-away
folder under .lab27/, so a test run can sit beside a running `make run`.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from shared.stack.stack import Stack
from tests._db import admin_dsn, create_database, database_dsn, drop_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    root = ROOT / ".lab27" / f"test-{os.getpid()}"
    started = Stack.from_env(root).start()
    try:
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: Stack) -> str:
    return stack.kafka_bootstrap_servers


@pytest.fixture
async def fresh_dsn(stack: Stack) -> AsyncIterator[str]:
    """A brand-new empty database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = admin_dsn(stack)
    await create_database(admin, name)
    yield database_dsn(admin, name)
    await drop_database(admin, name)


def unique_topic(prefix: str = "lab27.test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"
