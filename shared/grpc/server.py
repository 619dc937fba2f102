"""Server bootstrap: a grpc.aio server with health, reflection and the standard interceptors.

    server = create_server([(add_MembershipServiceServicer_to_server, servicer)],
                           ["lab27.membership.v1.MembershipService"], host, port)
    await server.start()
    await serve_until_signal(server, on_stop=app.close)
"""
from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import structlog
from grpc_health.v1 import health as grpc_health
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from shared.grpc.admission import Admission
from shared.grpc.handlers import CallInterceptor

log = structlog.get_logger("shared.grpc.server")

# (add_XServicer_to_server, servicer) pairs, as the generated *_pb2_grpc modules define them.
ServicerRegistration = tuple[Callable[[Any, grpc.aio.Server], None], Any]

MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # gRPC's default, stated so it is a decision
MAX_PENDING_CALLS = 20_000  # ~10 s of twice the rate one process saturates at
HEALTH_SERVICE_NAME = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name


@dataclass
class GrpcServer:
    """A bound (not yet started) server and the health servicer that reports on it."""

    server: grpc.aio.Server
    port: int
    health: grpc_health.aio.HealthServicer
    service_names: tuple[str, ...]
    admission: Admission | None = None  # the bound on commands in flight (max_in_flight)

    async def start(self) -> None:
        await self.server.start()
        if self.admission is not None:
            await self.admission.start()
        # "" is the whole server's status, what `grpc_health_probe` asks by default.
        for name in ("", *self.service_names):
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace: float | None = 5.0) -> None:
        """Report NOT_SERVING first so balancers drain us, then let in-flight calls finish."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        if self.admission is not None:
            await self.admission.stop()


def create_server(
    servicers: Sequence[ServicerRegistration],
    service_names: Sequence[str],
    host: str = "127.0.0.1",
    port: int = 0,
    max_in_flight: int = 0,
    max_loop_lag: float = 0.02,
) -> GrpcServer:
    """Build and bind a server; port 0 binds a free port (read it from ``.port``).

    ``service_names`` are the full proto names (e.g. "lab27.membership.v1.MembershipService")
    that health reports on and reflection lists. ``max_in_flight``: commands past that many
    in flight are answered RESOURCE_EXHAUSTED (shared.grpc.admission); 0: no bound.
    """
    admission = Admission(max_in_flight, max_lag=max_loop_lag)
    server = grpc.aio.server(
        interceptors=[CallInterceptor(admission)],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # grpc's C core keeps the calls the event loop has not taken yet and, past 1,000
            # of them (its default), cancels some at random: the client sees CANCELLED, and
            # nothing is logged. Let them wait for Admission to answer them instead.
            ("grpc.server.max_pending_requests", MAX_PENDING_CALLS),
            ("grpc.server.max_pending_requests_hard_limit", 2 * MAX_PENDING_CALLS),
        ],
    )
    for add_to_server, servicer in servicers:
        add_to_server(servicer, server)
    health_servicer = grpc_health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*service_names, HEALTH_SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    bound_port = server.add_insecure_port(f"{host}:{port}")
    if bound_port == 0:
        raise OSError(f"could not bind gRPC server to {host}:{port}")
    return GrpcServer(server=server, port=bound_port, health=health_servicer, service_names=tuple(service_names),
                      admission=admission)


async def serve_until_signal(
    server: GrpcServer,
    on_stop: Callable[[], Awaitable[None]] | None = None,
    grace: float = 5.0,
    signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT),
) -> None:
    """Serve until SIGTERM/SIGINT (or the server ends), then shut down gracefully.

    ``on_stop`` runs after the server has stopped taking calls (close pools, flush, ...).
    """
    loop = asyncio.get_running_loop()
    stop_requested = asyncio.Event()
    for sig in signals:
        loop.add_signal_handler(sig, stop_requested.set)
    try:
        terminated = asyncio.ensure_future(server.server.wait_for_termination())
        requested = asyncio.ensure_future(stop_requested.wait())
        await asyncio.wait({terminated, requested}, return_when=asyncio.FIRST_COMPLETED)
        log.info("grpc.stopping", port=server.port, grace_seconds=grace)
        requested.cancel()
        await server.stop(grace)
        await terminated
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        if on_stop is not None:
            await on_stop()
