"""Processes for the gRPC benchmarks: the membership service on an embedded stack, a no-op
baseline server, and a checkpoint poller — each its own process, so the bench's client
never shares an interpreter (or a GIL) with what it measures.

    async with membership_service() as svc:      # Postgres + broker + `python -m services.membership`
        svc.target, svc.dsn, svc.pid
    async with services(("membership", "cohorts")) as running:   # several, one broker, a database each
        running["cohorts"].target
    async with noop_server() as srv:             # same create_server(), AdmitMember does nothing
        srv.target, srv.pid

`python -m bench._service noop PORT` and `python -m bench._service poll DSN SOURCE SECONDS`
are the subprocess entry points. POSTGRES_DSN / KAFKA_BOOTSTRAP_SERVERS name external
servers instead of the embedded ones.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from shared.stack.processes import stop_process

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
RELAY_POLL_INTERVAL = 0.002  # the checkpoint watcher's fallback read interval (seconds)


@dataclass
class Running:
    target: str
    pid: int
    dsn: str = ""
    roots: tuple[int, ...] = ()  # other processes of ours (the postmaster), for cpu_snapshot()


def cpu_snapshot(roots: tuple[int, ...] = ()) -> dict[int, tuple[str, float]]:
    """{pid: (group, CPU seconds)} of this process, ``roots`` and all their descendants."""
    stats: dict[int, tuple[int, str, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        stats[int(entry.name)] = (int(fields[1]), comm, cmdline, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in stats.items():
        children.setdefault(ppid, []).append(pid)
    mine, todo = set(), [os.getpid(), *roots]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in mine:
            mine.add(pid)
            todo.extend(children.get(pid, ()))
    return {pid: (_label(pid, stats[pid][1], stats[pid][2]), stats[pid][3]) for pid in mine}


def parent_of(pid: int) -> int:
    """``pid``'s parent (0 once it has gone)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def process_tree(root: int) -> set[int]:
    """``root`` and every process below it (a service's API process and its worker)."""
    parents = {int(e.name): parent_of(int(e.name)) for e in Path("/proc").iterdir() if e.name.isdigit()}
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(p for p, parent in parents.items() if parent == pid and p not in tree)
    return tree


def _label(pid: int, comm: str, cmdline: str) -> str:
    if pid == os.getpid():
        return "client"
    if comm.startswith("postgres") or cmdline.startswith("postgres"):
        return "postgres"
    if comm.startswith("tansu") or (comm == "java" and "kafka.Kafka" in cmdline):
        return "broker"  # tansu, or Apache Kafka's JVM
    if "services." in cmdline:
        return "service"
    if "bench._service noop" in cmdline:
        return "no-op server"
    if "bench._service poll" in cmdline:
        return "poller"
    return "other"


def cpu_by_group(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]],
                 wall: float) -> dict[str, float]:
    """Cores used per group of processes between two snapshots (processes alive at the end)."""
    groups: dict[str, float] = {}
    for pid, (label, cpu) in after.items():
        used = cpu - before.get(pid, (label, 0.0))[1]
        groups[label] = groups.get(label, 0.0) + used / wall
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class CpuMark:
    processes: dict[int, tuple[str, float]]  # cpu_snapshot()
    busy: float  # machine_busy()
    total: float
    at: float  # the clock's reading


def cpu_mark(roots: tuple[int, ...] = (), clock: Callable[[], float] = time.monotonic) -> CpuMark:
    """One end of a CPU window: cpu_snapshot(roots), machine_busy(), then clock()."""
    processes = cpu_snapshot(roots)
    busy, total = machine_busy()
    return CpuMark(processes, busy, total, clock())


def cpu_window(start: CpuMark, end: CpuMark) -> tuple[float, dict[str, float]]:
    """(wall seconds, cores per group) between two marks: cpu_by_group() plus "not ours", the
    rest of the whole machine's busy cores."""
    wall = end.at - start.at
    cores = cpu_by_group(start.processes, end.processes, wall)
    machine = (end.busy - start.busy) / max(1, end.total - start.total) * (os.cpu_count() or 1)
    cores["not ours"] = max(0.0, machine - sum(cores.values()))
    return wall, cores


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "gen"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


async def _wait_for_line(proc: subprocess.Popen, needle: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}); see {log}:\n{log.read_text()[-3000:]}")
        if needle in log.read_text(errors="replace"):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"no {needle!r} after {timeout}s; see {log}")


@contextlib.asynccontextmanager
async def services(names: tuple[str, ...], broker: str | None = None,
                   **settings: str) -> AsyncIterator[dict[str, Running]]:
    """The named services, each in its own subprocess on its own database (one Postgres server),
    all on one fresh broker (``broker``: tansu or kafka; default the first of BENCH_BROKER), as
    the operators' deployment runs them. ``settings`` become environment variables of every
    service (e.g. APPEND_BATCH_WINDOW="0.001"). Yields name -> Running, once all are serving."""
    from bench._postgres import bench_broker, bench_postgres
    from shared.db import with_database
    from shared.stack.ports import free_port

    folder = ROOT / ".lab27" / f"bench-{os.getpid()}-svc-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    try:
        async with bench_postgres() as db, bench_broker(broker) as bootstrap:
            running: dict[str, Running] = {}
            waits = []
            for name in names:
                dsn = db.dsn if name == names[0] else with_database(db.dsn, f"{db.dsn.rsplit('/', 1)[1]}_{name}")
                if dsn != db.dsn:
                    await _admin_create(db.dsn, dsn.rsplit("/", 1)[1])
                port = free_port()
                log = folder / f"{name}.log"
                env = _env(SERVICE_NAME=name, POSTGRES_DSN=dsn, KAFKA_BOOTSTRAP_SERVERS=bootstrap,
                           GRPC_HOST="127.0.0.1", GRPC_PORT=str(port), LOG_LEVEL="WARNING", **settings)
                with log.open("wb") as out:
                    proc = subprocess.Popen([sys.executable, "-m", f"services.{name}"], cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                procs.append(proc)
                waits.append(_wait_for_line(proc, "serving gRPC", 90, log))
                running[name] = Running(f"127.0.0.1:{port}", proc.pid, dsn, db.roots)
            await asyncio.gather(*waits)
            try:
                yield running
            finally:
                for proc in procs:
                    stop_process(proc, 15)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.asynccontextmanager
async def membership_service(broker: str | None = None, **settings: str) -> AsyncIterator[Running]:
    """The membership service alone (see services)."""
    async with services(("membership",), broker, **settings) as running:
        yield running["membership"]


async def _admin_create(dsn: str, database: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def noop_server(bare: bool = False) -> AsyncIterator[Running]:
    """The baseline: shared.grpc.server.create_server (same interceptors, health, reflection)
    serving MembershipService whose AdmitMember answers a constant response at once.
    ``bare``: a plain grpc.aio.server without our interceptors (shows what they cost)."""
    from shared.stack.ports import free_port

    port = free_port()
    folder = ROOT / ".lab27" / f"bench-{os.getpid()}-noop-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "noop.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bench._service", "noop", str(port), "bare" if bare else "standard"], cwd=ROOT,
                                env=_env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        await _wait_for_line(proc, "serving", 30, log)
        yield Running(f"127.0.0.1:{port}", proc.pid)
    finally:
        stop_process(proc, 15)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def checkpoint_poller(dsn: str, topic: str, seconds: float, schema: str = "member_directory"):
    """Watches for ``seconds``, in a separate process, the projection's checkpoint
    (``<schema>.checkpoint`` for ``topic``, read on each of its commit notifications) and the
    relay's (``relay_checkpoint``, read at least every 2 ms). ``.result()`` returns ([(time.monotonic(), projection position,
    relay position)] at each change, number of polls)."""
    proc = subprocess.Popen([sys.executable, "-m", "bench._service", "poll", dsn, topic, str(seconds), schema],
                            cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)

    class Poller:
        @staticmethod
        def wait_ready() -> None:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith(b"ready"):
                raise RuntimeError(f"poller failed: {line!r}")

        @staticmethod
        def result() -> tuple[list[tuple[float, int, int]], int]:
            out, _ = proc.communicate(timeout=seconds + 30)
            data = json.loads(out)
            return [tuple(c) for c in data["changes"]], data["polls"]

    try:
        yield Poller
    finally:
        stop_process(proc, 15)


# -- subprocess entry points -----------------------------------------------------------------

async def _serve_noop(port: int, bare: bool) -> None:
    import grpc

    from lab27.common.v1 import common_pb2
    from lab27.membership.v1 import membership_pb2 as pb
    from lab27.membership.v1 import membership_pb2_grpc
    from shared.grpc.server import create_server

    reply = pb.AdmitMemberResponse(member_id=str(uuid.uuid4()), result=common_pb2.CommandResult(
        stream_id=str(uuid.uuid4()), version=1, consistency_token="lab27.membership.events:1"))

    class Noop(membership_pb2_grpc.MembershipServiceServicer):
        async def AdmitMember(self, request, context):
            return reply

        async def GetMember(self, request, context):
            return pb.GetMemberResponse()

    if bare:
        raw = grpc.aio.server()
        membership_pb2_grpc.add_MembershipServiceServicer_to_server(Noop(), raw)
        raw.add_insecure_port(f"127.0.0.1:{port}")
        await raw.start()
        print("serving", flush=True)
        await raw.wait_for_termination()
        return
    full_name = pb.DESCRIPTOR.services_by_name["MembershipService"].full_name
    server = create_server([(membership_pb2_grpc.add_MembershipServiceServicer_to_server, Noop())],
                           [full_name], "127.0.0.1", port)
    await server.start()
    print("serving", flush=True)
    await server.server.wait_for_termination()


async def _poll(dsn: str, topic: str, seconds: float, schema: str) -> None:
    """Reads both checkpoints when the projection's commit notification arrives (the same
    ``lab27_checkpoints`` NOTIFY that wakes the service's own waiters, delivered on commit)
    and at least every RELAY_POLL_INTERVAL for the relay's, which sends none. Reading on the
    notification times the directory exactly without a 1 ms poll loop loading the machine."""
    import asyncpg

    from shared.projections.waiter import NOTIFY_CHANNEL
    from shared.waiting import event_set_within

    conn = await asyncpg.connect(dsn)
    listener = await asyncpg.connect(dsn)
    committed = asyncio.Event()
    await listener.add_listener(NOTIFY_CHANNEL, lambda *_: committed.set())
    stmt = await conn.prepare(
        f'''SELECT (SELECT position FROM "{schema}".checkpoint WHERE source = $1),
                  (SELECT position FROM relay_checkpoint WHERE topic = $1)''')
    changes: list[tuple[float, int, int]] = []
    last = None
    polls = 0
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        row = await stmt.fetchrow(topic)
        seen = time.monotonic()  # after the read: never earlier than the data was visible
        polls += 1
        current = (row[0] or 0, row[1] or 0)
        if current != last:
            changes.append((seen, *current))
            last = current
        await event_set_within(committed, RELAY_POLL_INTERVAL)
        committed.clear()
    await conn.close()
    await listener.close()
    sys.stdout.write(json.dumps({"changes": changes, "polls": polls}))
    sys.stdout.flush()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "noop":
        asyncio.run(_serve_noop(int(sys.argv[2]), sys.argv[3] == "bare"))
    elif command == "poll":
        asyncio.run(_poll(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]))
    else:
        raise SystemExit(f"unknown command {command!r}")
