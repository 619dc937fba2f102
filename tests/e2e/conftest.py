"""End-to-end fixtures: each test module gets its own membership process, database and broker
(of the run's tier, ``broker_kind``: every e2e test runs on tansu and on Apache Kafka).

The service runs as ``python -m services.membership`` (a separate process) and tests reach
it only through gRPC. Its log is kept under .lab27/e2e-<pid>/<module>/membership.log.
"""
from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from shared.stack.stack import Stack
from tests._db import admin_dsn, create_database, database_dsn, drop_database
from tests.conftest import ROOT
from tests.e2e.membership_process import MembershipService, new_database_name


@pytest.fixture(scope="module")
async def membership(postgres_stack: Stack, broker_kind: str,
                     request: pytest.FixtureRequest) -> AsyncIterator[MembershipService]:
    """A running membership service on a fresh database and a private broker of this tier."""
    admin = admin_dsn(postgres_stack)
    name = new_database_name()
    await create_database(admin, name)
    module = request.module.__name__.rsplit(".", 1)[-1]
    work_dir = ROOT / ".lab27" / f"e2e-{os.getpid()}" / f"{module}-{broker_kind}-{name[-6:]}"
    extra_env = getattr(request.module, "SERVICE_ENV", {})
    service = MembershipService(dsn=database_dsn(admin, name), work_dir=work_dir, extra_env=extra_env,
                                broker_kind=broker_kind)
    try:
        await service.start()
        yield service
    finally:
        await service.close()
        await drop_database(admin, name)
    unexpected = service.recorder.unexpected()
    assert not unexpected, f"calls answered UNKNOWN/INTERNAL: {unexpected[:5]} (log: {service.log_path})"

