"""The gRPC kit through a real server and channel: status codes with details, health,
reflection, correlation ids and graceful shutdown.

The servicer is a generic handler over raw bytes (no proto needed): the request names
the failure to raise.
"""
from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable

import asyncpg
import grpc
import pydantic
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from shared.domain import errors
from shared.eventstore.base import WrongExpectedVersion
from shared.grpc.client import (
    correlation_id_of,
    error_info,
    field_violations,
    precondition_violations,
    retry_delay,
    rich_status,
)
from shared.grpc.correlation import CORRELATION_ID_KEY, current_correlation_id
from shared.grpc.server import GrpcServer, create_server, serve_until_signal

SERVICE = "lab27.test.v1.KitTestService"


class Contact(pydantic.BaseModel):
    email: str


class Profile(pydantic.BaseModel):
    name: str
    contacts: list[Contact]


def pydantic_error() -> pydantic.ValidationError:
    try:
        Profile.model_validate({"name": "Ville de Brest", "contacts": [{"mail": "x"}]})
    except pydantic.ValidationError as exc:
        return exc
    raise AssertionError("the profile should not validate")


class MemberHasLeft(errors.PreconditionFailed):
    pass


# What the test servicer raises, by the request's text.
FAILURES: dict[str, Callable[[], Exception]] = {
    "invalid": lambda: errors.InvalidArgument(
        [errors.FieldViolation("name", "must not be empty"), errors.FieldViolation("siren", "must be 9 digits")]
    ),
    "pydantic": pydantic_error,
    "precondition": lambda: MemberHasLeft("member m-1 has left"),
    "not_found": lambda: errors.NotFound("no member m-404"),
    "exists": lambda: errors.AlreadyExists("already admitted"),
    "conflict": lambda: errors.ConcurrencyConflict("member m-1 changed"),
    "wrong_version": lambda: WrongExpectedVersion("member-m-1", 3, 4),
    "unavailable": lambda: errors.Unavailable("read model lagging"),
    "not_implemented": lambda: NotImplementedError("Method not implemented!"),
    "bug": lambda: RuntimeError("secret database password in traceback"),
    # What asyncpg raises when Postgres goes away or is not back yet (shared.db.is_unavailable).
    "db_lost": lambda: asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    "db_refused": lambda: ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    "db_starting": lambda: asyncpg.CannotConnectNowError("the database system is starting up"),
    "db_shutting_down": lambda: asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    # A request the database refuses is the client's or a bug, not an outage.
    "db_bad_query": lambda: asyncpg.UndefinedTableError('relation "nope" does not exist'),
}


async def fail(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    raise FAILURES[request.decode()]()


async def echo_correlation_id(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    await asyncio.sleep(0)  # the id must survive an await
    return (current_correlation_id() or "").encode()


async def stream_then_fail(request: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
    yield b"one"
    yield b"two"
    raise errors.NotFound("stream ran out")


def kit_servicers() -> list:
    handler = grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Fail": grpc.unary_unary_rpc_method_handler(fail),
            "Echo": grpc.unary_unary_rpc_method_handler(echo_correlation_id),
            "Stream": grpc.unary_stream_rpc_method_handler(stream_then_fail),
        },
    )
    return [(lambda h, server: server.add_generic_rpc_handlers((h,)), handler)]



@pytest.fixture(scope="module")
async def server() -> AsyncIterator[GrpcServer]:
    running = create_server(kit_servicers(), [SERVICE], host="127.0.0.1", port=0)
    await running.start()
    yield running
    await running.stop(grace=0)


@pytest.fixture(scope="module")
async def channel(server: GrpcServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield channel


async def call_failing(channel: grpc.aio.Channel, failure: str) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await channel.unary_unary(f"/{SERVICE}/Fail")(failure.encode(), timeout=5)
    return raised.value


@pytest.mark.parametrize(
    ("failure", "code", "reason"),
    [
        ("precondition", grpc.StatusCode.FAILED_PRECONDITION, "MEMBER_HAS_LEFT"),
        ("not_found", grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
        ("exists", grpc.StatusCode.ALREADY_EXISTS, "ALREADY_EXISTS"),
        ("conflict", grpc.StatusCode.ABORTED, "CONCURRENCY_CONFLICT"),
        ("wrong_version", grpc.StatusCode.ABORTED, "WRONG_EXPECTED_VERSION"),
        ("unavailable", grpc.StatusCode.UNAVAILABLE, "UNAVAILABLE"),
        ("not_implemented", grpc.StatusCode.UNIMPLEMENTED, "NOT_IMPLEMENTED_ERROR"),
    ],
)
async def test_domain_errors_map_to_status_codes_with_reason(channel, failure, code, reason) -> None:
    error = await call_failing(channel, failure)
    assert error.code() == code
    status = rich_status(error)
    assert status is not None and status.code == code.value[0] and status.message == error.details()
    info = error_info(error)
    assert info is not None and info.reason == reason and info.domain == "lab27"


async def test_invalid_argument_names_every_field(channel) -> None:
    error = await call_failing(channel, "invalid")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [(v.field, v.description) for v in field_violations(error)] == [
        ("name", "must not be empty"),
        ("siren", "must be 9 digits"),
    ]


async def test_pydantic_validation_error_names_the_field_path(channel) -> None:
    error = await call_failing(channel, "pydantic")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations(error)] == ["contacts[0].email"]


async def test_precondition_failure_carries_a_violation(channel) -> None:
    error = await call_failing(channel, "precondition")
    [violation] = precondition_violations(error)
    assert violation.type == "MEMBER_HAS_LEFT" and violation.description == "member m-1 has left"


async def test_wrong_expected_version_reports_both_versions(channel) -> None:
    info = error_info(await call_failing(channel, "wrong_version"))
    assert dict(info.metadata) == {"stream_id": "member-m-1", "expected_version": "3", "actual_version": "4"}


async def test_a_bug_is_internal_with_correlation_id_and_no_traceback(channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await channel.unary_unary(f"/{SERVICE}/Fail")(
            b"bug", metadata=((CORRELATION_ID_KEY, "corr-bug-1"),), timeout=5
        )
    error = raised.value
    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == "internal error (correlation id corr-bug-1)"
    everything_sent = error.details() + repr(error.trailing_metadata()) + repr(error.initial_metadata())
    assert "Traceback" not in everything_sent and "secret" not in everything_sent
    assert correlation_id_of(error.trailing_metadata()) == "corr-bug-1"


@pytest.mark.parametrize("failure", ["db_lost", "db_refused", "db_starting", "db_shutting_down"])
async def test_a_database_outage_is_unavailable_with_a_retry_hint(channel, failure) -> None:
    """Clients retry UNAVAILABLE (never INTERNAL): a lost connection or a database starting up or
    shutting down says so, with google.rpc.RetryInfo."""
    error = await call_failing(channel, failure)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error.details().startswith("the database is unavailable (") and "retry" in error.details()
    assert error_info(error).reason == "DATABASE_UNAVAILABLE"
    assert retry_delay(error) == 1.0


async def test_a_query_the_database_refuses_is_still_internal(channel) -> None:
    error = await call_failing(channel, "db_bad_query")
    assert error.code() == grpc.StatusCode.INTERNAL and retry_delay(error) is None


async def test_streaming_methods_map_errors_too(channel) -> None:
    call = channel.unary_stream(f"/{SERVICE}/Stream")(b"", timeout=5)
    received = []
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for message in call:
            received.append(message)
    assert received == [b"one", b"two"]
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


async def test_correlation_id_round_trips(channel) -> None:
    call = channel.unary_unary(f"/{SERVICE}/Echo")(b"", metadata=((CORRELATION_ID_KEY, "corr-42"),), timeout=5)
    assert await call == b"corr-42"
    assert correlation_id_of(await call.trailing_metadata()) == "corr-42"


async def test_a_missing_correlation_id_is_generated_and_echoed(channel) -> None:
    call = channel.unary_unary(f"/{SERVICE}/Echo")(b"", timeout=5)
    seen_by_servicer = (await call).decode()
    assert len(seen_by_servicer) == 36
    assert correlation_id_of(await call.trailing_metadata()) == seen_by_servicer
    assert current_correlation_id() is None  # nothing leaks into the caller's context


async def test_unknown_method_is_unimplemented(channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await channel.unary_unary(f"/{SERVICE}/Nope")(b"", timeout=5)
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED


async def test_health_reports_serving(channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", SERVICE):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_the_services(channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = stub.ServerReflectionInfo(
        iter([
            reflection_pb2.ServerReflectionRequest(list_services=""),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.health.v1.Health"),
        ]),
        timeout=5,
    )
    listed, health_file = [reply async for reply in replies]
    names = {s.name for s in listed.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= names
    assert health_file.file_descriptor_response.file_descriptor_proto


async def test_sigterm_reports_not_serving_then_stops_and_runs_on_stop() -> None:
    running = create_server(kit_servicers(), [SERVICE], port=0)
    await running.start()
    stopped: list[str] = []

    async def on_stop() -> None:
        stopped.append(health_status(running))

    serving = asyncio.create_task(serve_until_signal(running, on_stop=on_stop, grace=0.1))
    await asyncio.sleep(0.05)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(serving, timeout=5)
    assert stopped == ["NOT_SERVING"]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await channel.unary_unary(f"/{SERVICE}/Echo")(b"", timeout=1)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def health_status(running: GrpcServer) -> str:
    # Read the servicer's table directly: the server no longer accepts calls to ask it.
    status = running.health._server_status[SERVICE]  # noqa: SLF001
    return health_pb2.HealthCheckResponse.ServingStatus.Name(status)


async def test_commands_past_the_bound_are_refused_at_once_and_queries_are_not() -> None:
    """MAX_IN_FLIGHT: the third command while two are in flight is RESOURCE_EXHAUSTED with a
    retry hint, before the servicer runs; queries and health are served meanwhile; once the
    load drops, commands are admitted again."""
    from lab27.membership.v1 import membership_pb2 as pb
    from lab27.membership.v1 import membership_pb2_grpc

    gate = asyncio.Event()
    entered: list[str] = []

    class Held(membership_pb2_grpc.MembershipServiceServicer):
        async def AdmitMember(self, request, context):
            entered.append(request.request_id)
            await gate.wait()
            return pb.AdmitMemberResponse(member_id=request.request_id)

        async def GetMember(self, request, context):
            return pb.GetMemberResponse(member=pb.Member(member_id=request.member_id))

    name = pb.DESCRIPTOR.services_by_name["MembershipService"].full_name
    running = create_server([(membership_pb2_grpc.add_MembershipServiceServicer_to_server, Held())], [name],
                            host="127.0.0.1", port=0, max_in_flight=2)
    await running.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = membership_pb2_grpc.MembershipServiceStub(channel)
            held = [asyncio.ensure_future(stub.AdmitMember(pb.AdmitMemberRequest(request_id=f"r{i}"), timeout=10))
                    for i in range(2)]
            while len(entered) < 2:
                await asyncio.sleep(0.01)
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await stub.AdmitMember(pb.AdmitMemberRequest(request_id="r3"), timeout=2)
            error = raised.value
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert error.details().startswith("overloaded: 2 commands already in flight")
            assert retry_delay(error) == 0.05
            assert error_info(error).reason == "OVERLOADED" and error_info(error).metadata["cause"] == "max_in_flight"
            assert sorted(entered) == ["r0", "r1"]  # refused before the servicer ran
            assert (await stub.GetMember(pb.GetMemberRequest(member_id="m"), timeout=2)).member.member_id == "m"
            health = health_pb2_grpc.HealthStub(channel)
            assert (await health.Check(health_pb2.HealthCheckRequest(), timeout=2)).status == \
                health_pb2.HealthCheckResponse.SERVING
            assert (running.admission.in_flight, running.admission.refused) == (2, 1)

            gate.set()
            assert [r.member_id for r in await asyncio.gather(*held)] == ["r0", "r1"]
            again = await stub.AdmitMember(pb.AdmitMemberRequest(request_id="r4"), timeout=2)
            assert again.member_id == "r4" and running.admission.in_flight == 0
    finally:
        await running.stop(grace=0)


async def test_commands_are_refused_while_the_event_loop_runs_late() -> None:
    """A loop that wakes late takes new calls from grpc late (they queue out of the in-flight
    count's sight): while it is late, commands are refused even below the bound."""
    import time as _time

    from shared.grpc.admission import LAG_INTERVAL, Admission

    admission = Admission(limit=100, max_lag=0.02)
    admission.in_flight = 30  # past a quarter of the bound
    await admission.start()
    try:
        await asyncio.sleep(3 * LAG_INTERVAL)
        assert admission.admits()
        _time.sleep(0.1)  # one pause: late once, still admitting
        await asyncio.sleep(0.001)
        assert admission.admits()
        for _ in range(2):  # behind at two looks running
            _time.sleep(0.1)
            await asyncio.sleep(0.001)
        assert admission.lagging and not admission.admits()
        admission.in_flight = 20  # a few callers only: a late loop alone refuses nothing
        assert admission.admits()
        admission.in_flight = 30
        await asyncio.sleep(3 * LAG_INTERVAL)  # on time again
        assert admission.admits()
    finally:
        await admission.stop()


async def test_an_idle_process_has_no_lag_watch_waking_it() -> None:
    """The loop's lateness matters only past a quarter of the bound: below it nothing watches."""
    from shared.grpc.admission import LAG_INTERVAL, Admission

    admission = Admission(limit=100, max_lag=0.02)
    await admission.start()
    try:
        assert admission.admits() and admission._watch is None  # idle: no task at all
        admission.in_flight = 30
        assert admission.admits() and admission._watch is not None  # busy: watched
        admission.in_flight = 0
        await asyncio.sleep(4 * LAG_INTERVAL)
        assert admission._watch is None  # quiet again: the watch ended itself
    finally:
        await admission.stop()
