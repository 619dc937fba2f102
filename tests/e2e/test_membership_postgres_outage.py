"""Postgres crashes (kill -9) under a running membership service, on each broker tier.

During the outage every call is answered UNAVAILABLE (clients retry it), never INTERNAL or
UNKNOWN; once Postgres is back the service, its relay and its projections resume on their
own, every acknowledged admission is in the read model exactly once, and new commands
succeed. The module has its own Postgres: killing the session's would break every other test.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import grpc
import pytest

from lab27.membership.v1 import membership_pb2 as pb
from shared.application.consistency import decode_token
from shared.grpc.client import error_info, retry_delay
from shared.stack.postgres import EmbeddedPostgres
from tests.conftest import ROOT
from tests.e2e.membership_process import MembershipService, admit_request, rid
from tests.e2e.test_membership_faults import assert_no_doubles, read_with_token

pytestmark = pytest.mark.e2e

TOPIC = "lab27.membership.events"
RECOVERY_TIMEOUT = 60.0  # seconds from Postgres' restart until a command succeeds again
LOAD_WORKERS = 4


@pytest.fixture(scope="module")
async def outage(broker_kind: str) -> AsyncIterator[tuple[MembershipService, EmbeddedPostgres]]:
    work_dir = ROOT / ".lab27" / f"e2e-{os.getpid()}" / f"pg-outage-{broker_kind}-{uuid.uuid4().hex[:6]}"
    postgres = EmbeddedPostgres(work_dir / "pgdata")
    await asyncio.to_thread(postgres.start)
    await asyncio.to_thread(postgres.create_database, "lab27_membership")
    service = MembershipService(dsn=postgres.dsn("lab27_membership"), work_dir=work_dir, broker_kind=broker_kind)
    try:
        await service.start()
        yield service, postgres
    finally:
        await service.close()
        await asyncio.to_thread(postgres.destroy)
    unexpected = service.recorder.unexpected()
    assert not unexpected, f"calls answered UNKNOWN/INTERNAL: {unexpected[:5]} (log: {service.log_path})"


async def calls_during_the_outage(stub, member_id: str, token: str) -> list[grpc.aio.AioRpcError]:
    """One of each kind of call, every one expected to fail."""
    calls = [
        lambda: stub.AdmitMember(admit_request("Commune Pendant La Panne"), timeout=10),
        lambda: stub.SuspendMember(pb.SuspendMemberRequest(request_id=rid(), member_id=member_id, reason="r"),
                                   timeout=10),
        lambda: stub.GetMember(pb.GetMemberRequest(member_id=member_id), timeout=10),
        lambda: stub.GetMember(pb.GetMemberRequest(member_id=member_id, consistency_token=token), timeout=10),
        lambda: stub.ListMembers(pb.ListMembersRequest(), timeout=10),
        lambda: stub.CountMembers(pb.CountMembersRequest(), timeout=10),
    ]
    errors = []
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call()
        errors.append(raised.value)
    return errors


async def test_a_postgres_crash_answers_unavailable_then_everything_resumes(outage) -> None:
    service, postgres = outage
    stub = service.stub
    acked: dict[str, pb.AdmitMemberResponse] = {}  # request id -> reply
    refused: Counter[grpc.StatusCode] = Counter()
    stop = asyncio.Event()

    async def load(worker: int) -> None:
        """Admissions one after another until told to stop, through the crash and the restart."""
        for i in range(100_000):
            if stop.is_set():
                return
            request = admit_request(f"Commune Panne {worker}-{i:05d}")
            try:
                acked[request.request_id] = await stub.AdmitMember(request, timeout=10)
            except grpc.aio.AioRpcError as error:
                refused[error.code()] += 1
                await asyncio.sleep(0.05)  # as a client honouring a retry hint would, briefly

    first = await stub.AdmitMember(admit_request("Commune Avant La Panne"), timeout=10)
    acked["first"] = first
    workers = [asyncio.create_task(load(w)) for w in range(LOAD_WORKERS)]
    try:
        while len(acked) < 60:  # commands are arriving
            await asyncio.sleep(0.02)
        await asyncio.to_thread(postgres.kill)
        await asyncio.to_thread(postgres.wait_exited)

        for error in await calls_during_the_outage(stub, first.member_id, first.result.consistency_token):
            assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
            info = error_info(error)
            # The database's own outage says so; a token query may instead time out waiting
            # for the read model (also UNAVAILABLE, also retried).
            assert info is not None and info.reason in ("DATABASE_UNAVAILABLE", "UNAVAILABLE"), error.details()
            if info.reason == "DATABASE_UNAVAILABLE":
                assert "database is unavailable" in error.details() and retry_delay(error) == 1.0
        acked_at_restart = len(acked)
        await asyncio.sleep(1.0)  # the load goes on against a dead database
        await asyncio.to_thread(postgres.start)  # same port, same data: crash recovery

        # Within a bounded time a new command succeeds, and then the next ones too.
        restarted = time.monotonic()
        while True:
            try:
                probe = await stub.AdmitMember(admit_request("Commune Sonde Après La Panne"), timeout=10)
                break
            except grpc.aio.AioRpcError as error:
                assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
                assert time.monotonic() - restarted < RECOVERY_TIMEOUT, "no command succeeded after the restart"
                await asyncio.sleep(0.2)
        recovered_after = time.monotonic() - restarted
        while len(acked) < acked_at_restart + 40:  # the load's commands succeed again
            assert time.monotonic() - restarted < RECOVERY_TIMEOUT, "the load did not resume"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*workers)
    acked["probe"] = probe

    # Nothing but UNAVAILABLE was ever refused, and the outage was seen.
    assert set(refused) == {grpc.StatusCode.UNAVAILABLE}, refused
    # Every acknowledged admission is in the read model exactly once (the relay and the
    # projection resumed on their own), and nothing else is.
    last = max(acked.values(), key=lambda r: decode_token(r.result.consistency_token)[TOPIC])
    members = await read_with_token(lambda: assert_no_doubles(service, last.result.consistency_token),
                                    timeout=RECOVERY_TIMEOUT)
    shown = {m.member_id for m in members}
    assert {reply.member_id for reply in acked.values()} <= shown
    print(f"\n{len(acked)} admissions acknowledged, refused {dict(refused)}; "
          f"a command succeeded {recovered_after:.1f} s after Postgres restarted")
