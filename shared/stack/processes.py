"""Stopping a child process: SIGTERM, a bounded wait for its clean shutdown, then SIGKILL."""
from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen, timeout: float) -> int | None:
    """Ask ``proc`` to stop, kill it if it is still running after ``timeout`` seconds; its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode
