"""End-to-end fixtures: each test module gets its own service processes, databases and broker
(of the run's tier, ``broker_kind``: every e2e test runs on tansu and on Apache Kafka).

- ``membership``: one membership process on its own broker;
- ``system``: the services a module names in ``SERVICES`` (e.g. ``("membership", "cohorts")``)
  on one broker, each with its own database; ``SERVICE_ENV`` (a dict of environment
  variables, or of service -> variables) tunes them.

Services run as ``python -m services.<name>`` (separate processes) and tests reach them only
through gRPC. Logs are kept under .lab27/e2e-<pid>/<module>-<tier>-<id>/<service>.log.
"""
from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from shared.stack.stack import Stack, embedded_broker
from tests._db import admin_dsn, create_database, database_dsn, drop_database
from tests.conftest import ROOT
from tests.e2e.membership_process import MembershipService
from tests.e2e.services import ServiceProcess, System, new_database_name


@pytest.fixture(scope="module")
async def membership(postgres_stack: Stack, broker_kind: str,
                     request: pytest.FixtureRequest) -> AsyncIterator[MembershipService]:
    """A running membership service on a fresh database and a private broker of this tier."""
    admin = admin_dsn(postgres_stack)
    name = new_database_name("membership")
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



@pytest.fixture(scope="module")
async def system(postgres_stack: Stack, broker_kind: str, request: pytest.FixtureRequest) -> AsyncIterator[System]:
    """The services the module lists in SERVICES, on one private broker, each its own database."""
    names: tuple[str, ...] = request.module.SERVICES
    env = getattr(request.module, "SERVICE_ENV", {})
    admin = admin_dsn(postgres_stack)
    module = request.module.__name__.rsplit(".", 1)[-1]
    work_dir = ROOT / ".lab27" / f"e2e-{os.getpid()}" / f"{module}-{broker_kind}-{new_database_name('x')[-6:]}"
    work_dir.mkdir(parents=True, exist_ok=True)
    databases = {name: new_database_name(name) for name in names}
    for database in databases.values():
        await create_database(admin, database)
    broker = embedded_broker(broker_kind, work_dir).start()
    system = System(broker, {
        name: ServiceProcess(dsn=database_dsn(admin, databases[name]), work_dir=work_dir, service=name, broker=broker,
                             extra_env=env.get(name, {}) if all(isinstance(v, dict) for v in env.values()) else env)
        for name in names})
    try:
        await system.start()
        yield system
    finally:
        await system.close()
        for database in databases.values():
            await drop_database(admin, database)
    unexpected = system.unexpected()
    assert not unexpected, f"calls answered UNKNOWN/INTERNAL: {unexpected[:5]} (logs: {work_dir})"
