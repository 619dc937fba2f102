"""`make run`: the embedded stack plus every service, until Ctrl-C or SIGTERM.

On first start it loads the reference scenario (the article's history) through the services'
gRPC APIs, and it prints a summary read back through them each time (the data is kept: a
second start does not load the scenario again; .lab27/run/scenario.loaded remembers the
loader's consistency token).

Postgres data is kept in .lab27/run/pgdata across runs; tansu starts empty every time and
each service's relay republishes its history from Postgres. With LAB27_BROKER=kafka
(`make run BROKER=kafka`) the broker is Apache Kafka (shared.stack.kafka), whose log is kept
in .lab27/run/kafka across runs too.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from shared.healthcheck import check
from shared.stack.ports import free_port
from shared.stack.stack import SERVICES, Stack

ROOT = Path(__file__).resolve().parents[2]
PREFERRED_PORTS = {"membership": 50051, "cohorts": 50052, "funding": 50053, "bookings": 50054}


def available_services() -> tuple[str, ...]:
    return tuple(s for s in SERVICES if (ROOT / "services" / s / "__main__.py").exists())


def start_service(stack: Stack, service: str, log_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port(preferred=PREFERRED_PORTS[service])
    env = {**os.environ, **stack.service_env(service, port)}
    log = (log_dir / f"{service}.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", f"services.{service}"], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if check(f"127.0.0.1:{port}"):
            return True
        time.sleep(0.2)
    return False


def scenario(data: Path, endpoints: dict[str, str]) -> None:
    """Load the scenario on first start, then print the summary (both through gRPC)."""
    from shared.scenario.loader import Stubs, load_scenario
    from shared.scenario.summary import summary

    marker = data / "scenario.loaded"
    if marker.exists():
        token = marker.read_text().strip()
    else:
        started = time.monotonic()
        loaded = asyncio.run(load_scenario(endpoints))
        marker.write_text(loaded.token)
        token = loaded.token
        print(f"{'scenario':<11} the article's history loaded: {loaded.calls} calls in "
              f"{time.monotonic() - started:.1f} s", flush=True)

    async def lines() -> list[str]:
        stubs = Stubs.connect(endpoints)
        try:
            return await summary(stubs, token)
        finally:
            await stubs.close()

    for line in asyncio.run(lines()):
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / ".lab27" / "run", help="where Postgres keeps its data")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    started = time.monotonic()
    stack = Stack.from_env(args.data).start()
    print(f"{'postgres':<11} {stack.postgres_dsn('membership').rsplit('/', 1)[0]}  (one database per service)", flush=True)
    print(f"{'kafka':<11} {stack.kafka_bootstrap_servers}", flush=True)
    running: dict[str, tuple[subprocess.Popen, int]] = {}
    try:
        for service in available_services():
            running[service] = start_service(stack, service, args.data)
        ready = {}
        for service, (proc, port) in running.items():
            ready[service] = wait_healthy(port, proc)
            state = "ready" if ready[service] else f"NOT READY, see {args.data / (service + '.log')}"
            print(f"{service:<11} grpc://127.0.0.1:{port}  {state}", flush=True)
        print(f"{'serving':<11} every service in {time.monotonic() - started:.1f} s", flush=True)
        if all(ready.values()) and set(ready) == set(SERVICES):
            scenario(args.data, {service: f"127.0.0.1:{port}" for service, (_proc, port) in running.items()})
        print("lab27 is running; Ctrl-C stops it.", flush=True)
        while not stopping:
            for service, (proc, _port) in running.items():
                if proc.poll() is not None:
                    print(f"{service} exited with {proc.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.3)
    finally:
        for proc, _port in running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _port in running.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        stack.stop()
        print("lab27 stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
