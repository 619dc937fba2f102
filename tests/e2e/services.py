"""lab27 services as separate processes, reached only through gRPC: the e2e tests' harness.

``ServiceProcess`` runs ``python -m services.<name>`` on its own database and a broker it is
given, restartable on the same port; its ``stub`` is that service's gRPC stub, and its
``recorder`` remembers every call's status code so a module can assert none was UNKNOWN or
INTERNAL. ``System`` is several of them on one private broker of the run's tier, each with
its own database, as in production.
"""
from __future__ import annotations

import asyncio
import importlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shared.stack.ports import free_port
from shared.stack.processes import stop_process
from shared.stack.stack import Broker

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds until health says SERVING (tansu's first group join takes ~3 s)
STOP_TIMEOUT = 15.0  # SIGTERM, then SIGKILL


def stub_class(service: str) -> Any:
    """``lab27.<service>.v1.<service>_pb2_grpc.<Service>ServiceStub``."""
    module = importlib.import_module(f"lab27.{service}.v1.{service}_pb2_grpc")
    return getattr(module, f"{service.capitalize()}ServiceStub")


class CodeRecorder(grpc.aio.UnaryUnaryClientInterceptor):
    """Remembers the status code of every call, so a module can assert none was UNKNOWN."""

    def __init__(self) -> None:
        self.codes: list[tuple[str, grpc.StatusCode]] = []

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        call = await continuation(client_call_details, request)
        try:
            await call
        except grpc.aio.AioRpcError:
            pass
        method = client_call_details.method
        self.codes.append((method.decode() if isinstance(method, bytes) else method, await call.code()))
        return call

    def unexpected(self) -> list[tuple[str, grpc.StatusCode]]:
        return [(m, c) for m, c in self.codes if c in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL)]


@dataclass
class ServiceProcess:
    """One service process on its own database and a given broker; restartable on the same port."""

    dsn: str
    work_dir: Path
    service: str = "membership"
    broker: Broker | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    channel: grpc.aio.Channel | None = None
    stub: Any = None
    recorder: CodeRecorder = field(default_factory=CodeRecorder)
    starts: int = 0

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / f"{self.service}.log"

    def env(self) -> dict[str, str]:
        assert self.broker is not None
        return {
            **os.environ,
            **self.broker.client_env,
            "SERVICE_NAME": self.service,
            "POSTGRES_DSN": self.dsn,
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "GRPC_HOST": "127.0.0.1",
            "GRPC_PORT": str(self.port),
            "LOG_LEVEL": "INFO",
            **self.extra_env,
        }

    async def start(self) -> None:
        """Starts the process, then waits for SERVING."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        assert self.process is None or self.process.poll() is not None, "already running"
        log = self.log_path.open("ab")
        log.write(f"\n===== start #{self.starts + 1} at {time.strftime('%H:%M:%S')} =====\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.service}"], env=self.env(), cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.starts += 1
        await self._wait_serving()
        await self._open_channel()

    async def _wait_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        async with grpc.aio.insecure_channel(self.target) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.service} exited with {self.process.returncode}; see "
                                       f"{self.log_path}\n" + self.log_tail())
                try:
                    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.aio.AioRpcError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.service} not SERVING after {START_TIMEOUT}s; see {self.log_path}\n"
                           + self.log_tail())

    async def _open_channel(self) -> None:
        await self._close_channel()
        # A fresh channel per process start: an old one may sit in reconnect backoff.
        self.channel = grpc.aio.insecure_channel(self.target, interceptors=[self.recorder])
        self.stub = stub_class(self.service)(self.channel)

    async def _close_channel(self) -> None:
        if self.channel is not None:
            await self.channel.close()
            self.channel = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit code."""
        await self._close_channel()
        proc = self.process
        if proc is None:
            return 0
        return await asyncio.to_thread(stop_process, proc, timeout)

    async def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            await asyncio.to_thread(proc.wait)

    async def restart(self) -> None:
        await self.terminate()
        await self.start()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class System:
    """Several services on one broker, each on its own database: ``system.cohorts.stub``."""

    broker: Broker
    services: dict[str, ServiceProcess]

    def __getattr__(self, name: str) -> ServiceProcess:
        try:
            return self.__dict__["services"][name]
        except KeyError:
            raise AttributeError(name) from None

    async def start(self) -> None:
        """Every service at once (each waits seconds for its first consumer-group join)."""
        await asyncio.gather(*(s.start() for s in self.services.values()))

    async def close(self) -> None:
        await asyncio.gather(*(s.terminate() for s in self.services.values()), return_exceptions=True)
        self.broker.stop()

    def unexpected(self) -> list[tuple[str, grpc.StatusCode]]:
        return [code for s in self.services.values() for code in s.recorder.unexpected()]


def new_database_name(service: str) -> str:
    return f"lab27_{service}_{uuid.uuid4().hex[:12]}"
