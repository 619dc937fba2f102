"""One measurement for bench/commits.py, run inside a worktree of the commit measured, with
that commit's own code: its membership service on a fresh embedded stack, AdmitMember at
IN_FLIGHT for BENCH_SECONDS after a warm-up, and the CPU per call of the API process, its
worker, Postgres and the broker. Prints one JSON line.

It uses only helpers that bench/ has had since the first gRPC benchmarks (membership_service,
cpu_mark, cpu_window, grpc_admissions' channels and Requests), so older commits can run it;
hence its own process-tree walk and regrouping rather than bench._service's newer ones.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import replace
from pathlib import Path

from bench import grpc_admissions as admissions
from bench._service import cpu_mark, cpu_window, membership_service

IN_FLIGHT = 32
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
WARMUP = 3.0


def _tree(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(p for p, parent in parents.items() if parent == pid and p not in tree)
    return tree


def _split(mark, api: int, worker: set[int]):
    """The mark with the API process and its worker apart (both are "service" otherwise)."""
    label = {api: "api", **{pid: "worker" for pid in worker}}
    return replace(mark, processes={pid: (label.get(pid, group), cpu) for pid, (group, cpu) in mark.processes.items()})


async def main() -> None:
    async with membership_service() as svc:
        worker = _tree(svc.pid) - {svc.pid}
        chans = admissions.channels(svc.target, 2)
        calls = [c.unary_unary(admissions.ADMIT, request_serializer=None, response_deserializer=None) for c in chans]
        requests = admissions.Requests(f"commits-{os.getpid()}")
        requests.fill(int(2000 * (SECONDS + WARMUP)))
        done = 0
        stop = False

        async def caller(k: int) -> None:
            nonlocal done
            while not stop:
                await calls[k % len(calls)](requests.take(), timeout=10)
                done += 1

        tasks = [asyncio.create_task(caller(k)) for k in range(IN_FLIGHT)]
        await asyncio.sleep(WARMUP)
        before, start = done, _split(cpu_mark(svc.roots, time.perf_counter), svc.pid, worker)
        await asyncio.sleep(SECONDS)
        after, end = done, _split(cpu_mark(svc.roots, time.perf_counter), svc.pid, worker)
        stop = True
        await asyncio.gather(*tasks)
        for channel in chans:
            await channel.close()
    wall, cores = cpu_window(start, end)
    calls_made = after - before
    ms = {group: cores.get(group, 0.0) * wall / calls_made * 1000
          for group in ("api", "worker", "postgres", "broker", "tansu")}
    ms["broker"] += ms.pop("tansu")  # older commits label the broker "tansu"
    print(json.dumps({"rate": calls_made / wall, "ms": ms}))


if __name__ == "__main__":
    asyncio.run(main())
