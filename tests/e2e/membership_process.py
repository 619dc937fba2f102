"""The membership service as a separate process, reached only through gRPC.

Each ``MembershipService`` owns its own database (on the session's embedded Postgres) and its
own broker of the run's tier (tansu or Apache Kafka): the topic ``lab27.membership.events`` is
then the only one of its name the service ever sees, so positions from another test module's
database can never collide with it.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from lab27.membership.v1 import membership_pb2_grpc
from shared.stack.ports import free_port
from shared.stack.processes import stop_process
from shared.stack.stack import Broker, embedded_broker

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds until health says SERVING (tansu's first group join takes ~3 s)
STOP_TIMEOUT = 15.0  # SIGTERM, then SIGKILL


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
class MembershipService:
    """One service process plus its private broker and database; restartable on the same port."""

    dsn: str
    work_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    broker_kind: str = "tansu"
    port: int = 0
    broker: Broker | None = None
    process: subprocess.Popen | None = None
    channel: grpc.aio.Channel | None = None
    stub: membership_pb2_grpc.MembershipServiceStub | None = None
    recorder: CodeRecorder = field(default_factory=CodeRecorder)
    starts: int = 0

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "membership.log"

    def env(self) -> dict[str, str]:
        assert self.broker is not None
        return {
            **os.environ,
            "SERVICE_NAME": "membership",
            "POSTGRES_DSN": self.dsn,
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "GRPC_HOST": "127.0.0.1",
            "GRPC_PORT": str(self.port),
            "LOG_LEVEL": "INFO",
            **self.extra_env,
        }

    # --- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Starts the broker (first time only) and the process, then waits for SERVING."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self.broker is None:
            self.broker = embedded_broker(self.broker_kind, self.work_dir).start()
        self.port = self.port or free_port()
        assert self.process is None or self.process.poll() is not None, "already running"
        log = self.log_path.open("ab")
        log.write(f"\n===== start #{self.starts + 1} at {time.strftime('%H:%M:%S')} =====\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.membership"], env=self.env(), cwd=ROOT,
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
                    raise RuntimeError(f"membership exited with {self.process.returncode}; see {self.log_path}\n"
                                       + self.log_tail())
                try:
                    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.aio.AioRpcError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"membership not SERVING after {START_TIMEOUT}s; see {self.log_path}\n" + self.log_tail())

    async def _open_channel(self) -> None:
        await self._close_channel()
        # A fresh channel per process start: an old one may sit in reconnect backoff.
        self.channel = grpc.aio.insecure_channel(self.target, interceptors=[self.recorder])
        self.stub = membership_pb2_grpc.MembershipServiceStub(self.channel)

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

    async def close(self) -> None:
        await self.terminate()
        if self.broker is not None:
            self.broker.stop()
            self.broker = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def new_database_name() -> str:
    return f"lab27_membership_{uuid.uuid4().hex[:12]}"


def rid() -> str:
    return uuid.uuid4().hex


def admit_request(name: str, *, scheme: int = pb.SCHEME_ASSOCIATION, kind: int = pb.KIND_COMMUNE,
                  siren: str | None = None, territory: str = "Bretagne", request_id: str | None = None,
                  **extra) -> pb.AdmitMemberRequest:
    req = pb.AdmitMemberRequest(request_id=request_id or rid(), scheme=scheme, kind=kind, name=name,
                                territory=territory, **extra)
    if "effective_date" not in extra:
        req.effective_date.CopyFrom(common_pb2.Date(year=2025, month=3, day=1))
    if siren is not None:
        req.siren = siren
    return req


async def list_all(stub, token: str = "", page_size: int = 500, **filters) -> list[pb.Member]:
    """Every member matching the filters, walking the pages."""
    members: list[pb.Member] = []
    page_token = ""
    while True:
        reply = await stub.ListMembers(pb.ListMembersRequest(
            page=common_pb2.PageRequest(page_size=page_size, page_token=page_token),
            consistency_token=token, **filters), timeout=10)
        members.extend(reply.members)
        page_token = reply.page.next_page_token
        if not page_token:
            return members


def siren(seed: int) -> str:
    """A Luhn-valid SIREN built from ``seed`` (8 digits + check digit)."""
    from services.membership.domain.fields import luhn_valid

    body = f"{seed % 10**8:08d}"
    return next(body + str(d) for d in range(10) if luhn_valid(body + str(d)))
