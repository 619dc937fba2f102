"""The worker half of a service (relay, projections, reactions) as a child process.

The API process owns it: starts it, restarts it if it dies, and stops it on shutdown. The
child asks the kernel to end it if the API process dies (even by kill -9), so a crashed
service never leaves an orphan worker relaying beside its successor's.
"""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys

import structlog

log = structlog.get_logger("shared.worker_process")
PARENT_PID_ENV = "LAB27_PARENT_PID"
READY_LINE = "lab27-worker-ready"  # the child prints it on stdout once it consumes and relays
READY_TIMEOUT = 60.0
RESTART_DELAY = 1.0
_PR_SET_PDEATHSIG = 1


class WorkerProcess:
    def __init__(self, service: str) -> None:
        self.service = service
        self.restarts = 0
        self._process: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task | None = None
        self._stopping = False
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Starts the worker (its start-up then overlaps the API's own); see wait_ready."""
        await self._spawn()
        self._watch = asyncio.create_task(self._keep_running(), name=f"{self.service}-worker-watch")

    async def wait_ready(self) -> None:
        """Returns once the worker is ready, so the API reports SERVING only when a query with a
        consistency token can be answered (the first consumer-group join takes seconds)."""
        try:
            await asyncio.wait_for(self._ready.wait(), READY_TIMEOUT)
        except asyncio.TimeoutError:
            log.warning("worker.not_ready", service=self.service, waited_seconds=READY_TIMEOUT)

    async def _spawn(self) -> None:
        env = {**os.environ, "ROLE": "worker", PARENT_PID_ENV: str(os.getpid())}
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", f"services.{self.service}", env=env, stdout=asyncio.subprocess.PIPE)
        asyncio.create_task(self._forward_stdout(self._process), name=f"{self.service}-worker-stdout")
        log.info("worker.started", service=self.service, pid=self._process.pid)

    async def _forward_stdout(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            if line == READY_LINE:
                self._ready.set()
            else:
                print(line, flush=True)

    async def _keep_running(self) -> None:
        while not self._stopping:
            assert self._process is not None
            code = await self._process.wait()
            if self._stopping:
                return
            self.restarts += 1
            log.error("worker.exited", service=self.service, code=code, restarts=self.restarts)
            await asyncio.sleep(RESTART_DELAY)
            await self._spawn()

    async def stop(self) -> None:
        self._stopping = True
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        process = self._process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()


def die_with_parent() -> None:
    """In the child: SIGTERM when the parent dies; exit now if it is already gone (Linux)."""
    expected = os.environ.get(PARENT_PID_ENV)
    if not expected:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(expected):  # the parent died before prctl took effect
        sys.exit(0)
