"""The body of every service's __main__: logs, metrics, serve until SIGTERM, stop cleanly."""
from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
from collections.abc import Callable

from prometheus_client import REGISTRY, start_http_server

from shared.grpc.server import serve_until_signal
from shared.logging import configure_logging
from shared.metrics import RuntimeCollector
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.worker_process import READY_LINE, die_with_parent


async def run_service(settings: ServiceSettings, create_runtime: Callable[[ServiceSettings], ServiceRuntime]) -> None:
    configure_logging(settings.log_level, settings.log_json)
    if settings.role == "worker":
        die_with_parent()
    runtime = create_runtime(settings)
    if settings.metrics_port:
        # A worker reports beside its API: on the next port, so one setting serves both.
        port = settings.metrics_port + (1 if settings.role == "worker" else 0)
        REGISTRY.register(RuntimeCollector(runtime))
        start_http_server(port, addr=settings.grpc_host)
    server = await runtime.start()
    # What start-up built (modules, protos, faust's app, grpc's server) lives as long as the
    # process: frozen, the cyclic collector's full passes stop re-scanning it on every one.
    gc.freeze()
    if server is None:  # a worker: nothing to serve, run until told to stop
        print(READY_LINE, flush=True)
        await _until_signal()
        await runtime.stop()
        # Now, from inside the loop: asyncio.run would next cancel the tasks left and wait for
        # them, and a faust task that swallows its cancellation makes that wait endless (an
        # orphaned worker hung so, still in its consumer group). Everything is committed.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    print(f"{settings.service_name} serving gRPC on {settings.grpc_host}:{server.port}", flush=True)
    await serve_until_signal(server, on_stop=runtime.stop)


async def _until_signal() -> None:
    """Until SIGTERM/SIGINT; then the handlers go, so a second signal ends us at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for sig in signals:
        loop.remove_signal_handler(sig)


def main(settings: ServiceSettings, create_runtime: Callable[[ServiceSettings], ServiceRuntime]) -> None:
    """Run the service, then leave even if a library left a non-daemon thread behind.

    faust's consumer thread can outlive a stop whose broker or database is already gone, and
    the interpreter would wait for it forever at exit: everything worth keeping is committed
    by then (events, checkpoints), so the process ends without joining it.
    """
    asyncio.run(run_service(settings, create_runtime))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
