"""The body of every service's __main__: logs, metrics, serve until SIGTERM, stop cleanly."""
from __future__ import annotations

from collections.abc import Callable

from prometheus_client import REGISTRY, start_http_server

from shared.grpc.server import serve_until_signal
from shared.logging import configure_logging
from shared.metrics import RuntimeCollector
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


async def run_service(settings: ServiceSettings, create_runtime: Callable[[ServiceSettings], ServiceRuntime]) -> None:
    configure_logging(settings.log_level, settings.log_json)
    runtime = create_runtime(settings)
    if settings.metrics_port:
        REGISTRY.register(RuntimeCollector(runtime))
        start_http_server(settings.metrics_port, addr=settings.grpc_host)
    server = await runtime.start()
    print(f"{settings.service_name} serving gRPC on {settings.grpc_host}:{server.port}", flush=True)
    await serve_until_signal(server, on_stop=runtime.stop)
