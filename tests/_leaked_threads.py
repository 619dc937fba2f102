"""Fails the run, rather than hanging it, when a test leaves a non-daemon thread behind.

faust runs each consumer in a non-daemon thread with its own event loop (mode's
WorkerThread). One left running by a test (a consumer that was started and never stopped)
keeps retrying its broker after the session has stopped it, and the interpreter waits for
it at exit forever: the run never ends, and CI only reports its own timeout. So: after the
session, such threads get a few seconds to end; any still alive are named in the summary,
the run fails, and the process exits without waiting for them.
"""
from __future__ import annotations

import os
import sys
import threading
import time

import pytest

GRACE_SECONDS = 5.0
_leaked: list[str] = []


def _non_daemon_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate()
            if t is not threading.main_thread() and not t.daemon and t.is_alive()]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    deadline = time.monotonic() + GRACE_SECONDS
    for thread in _non_daemon_threads():
        thread.join(max(0.0, deadline - time.monotonic()))
    _leaked[:] = [f"{t.name} ({type(t).__module__}.{type(t).__qualname__})" for t in _non_daemon_threads()]
    if _leaked:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if _leaked:
        terminalreporter.write_line(
            f"FAILED: {len(_leaked)} non-daemon thread(s) still running after the session "
            f"(a consumer some test never stopped): {', '.join(_leaked)}", red=True, bold=True)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _leaked:  # exiting normally would join those threads, which never end
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(pytest.ExitCode.TESTS_FAILED))
