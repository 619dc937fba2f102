"""Is a change slower than the code before it? AdmitMember at 32 in flight (or, with
BENCH_COMMITS_WHAT=rebuild, bench/rebuild.py's fold rebuild) on several commits of this
repository, alternately, in the same run.

BENCH_COMMITS (default ``HEAD~1,HEAD``) names the commits; each is checked out in a worktree
under .lab27/ (removed at the end) and measured BENCH_ROUNDS times (default 2), the commits
taking turns within each round so that the machine's drift falls on each alike (the same code
varies ~15% between runs on this machine; a pair measured back to back varies much less).
Each measurement is bench/_commit_probe.py run with that commit's own code: its membership
service, and the CPU per call of its API process, worker, Postgres and broker. Baseline: the
first commit named, same round.

    BENCH_COMMITS=7db3ad4,e4b9d9f python -m bench commits    # the kit's second edition vs before

With BENCH_COMMITS_WHAT=rebuild each measurement is that commit's own ``python -m bench
rebuild`` (its store of 300k deposits, its read model, its rebuild; BENCH_REBUILD_* apply),
and the figure is its fold rebuild's best and median events/s, against the first commit's.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from bench._service import ROOT

COMMITS = [c for c in os.environ.get("BENCH_COMMITS", "HEAD~1,HEAD").split(",") if c]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PROBE = Path(__file__).with_name("_commit_probe.py")
GROUPS = ("api", "worker", "postgres", "broker")
WHAT = os.environ.get("BENCH_COMMITS_WHAT", "admissions")
# bench/rebuild.py's line for the fold rebuild, the same on every commit since the fold existed
REBUILD_LINE = re.compile(r"rebuild, fold in memory.*?([\d,]+) events/s \(median ([\d,]+)")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def run_in(tree: Path, *args: str, **settings: str) -> str:
    """``python <args>`` with the commit's own code; its standard output."""
    env = {**os.environ, **settings, "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "gen")])}
    env.pop("POSTGRES_DSN", None)
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, check=True,
                          capture_output=True, text=True).stdout


def measure(tree: Path) -> dict:
    shutil.copy(PROBE, tree / "bench" / PROBE.name)  # the commit's own bench package runs it
    return json.loads(run_in(tree, "-m", f"bench.{PROBE.stem}").strip().splitlines()[-1])


def measure_rebuild(tree: Path) -> tuple[float, float]:
    """(best, median) events/s of the commit's fold rebuild; the other rebuild paths kept short."""
    out = run_in(tree, "-m", "bench", "rebuild", BENCH_REBUILD_BATCH="0", BENCH_REBUILD_PER_EVENT="0",
                 BENCH_REBUILD_LIVE=os.environ.get("BENCH_REBUILD_LIVE", "5000"))
    found = REBUILD_LINE.search(out)
    if found is None:
        raise RuntimeError(f"no fold rebuild figure in {tree}'s bench output:\n{out}")
    best, median = (float(x.replace(",", "")) for x in found.groups())
    return best, median


def main() -> None:
    folder = ROOT / ".lab27" / f"bench-commits-{uuid.uuid4().hex[:6]}"
    trees: dict[str, Path] = {}
    try:
        for commit in COMMITS:
            sha = git("rev-parse", "--short", commit)
            trees[f"{commit} ({sha})"] = tree = folder / sha
            git("worktree", "add", "--detach", "-q", str(tree), sha)
        if WHAT == "rebuild":
            rebuild_rounds(trees)
            return
        print("| round | commit | admissions/s | service CPU ms per admission | x the first commit's "
              "| API / worker / Postgres / broker ms |")
        print("|---|---|---|---|---|---|")
        for round_ in range(1, ROUNDS + 1):
            first = None
            for name, tree in trees.items():
                figures = measure(tree)
                ms = [figures["ms"][g] for g in GROUPS]
                total = sum(ms)
                first = first or total
                split = " / ".join(f"{x:.2f}" for x in ms)
                print(f"| {round_} | {name} | {figures['rate']:,.0f} | {total:.2f} | {total / first:.3f}x | {split} |",
                      flush=True)
    finally:
        for tree in trees.values():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        git("worktree", "prune")


def rebuild_rounds(trees: dict[str, Path]) -> None:
    print("| round | commit | fold rebuild, best events/s | median | x the first commit's best |")
    print("|---|---|---|---|---|")
    for round_ in range(1, ROUNDS + 1):
        first = None
        for name, tree in trees.items():
            best, median = measure_rebuild(tree)
            first = first or best
            print(f"| {round_} | {name} | {best:,.0f} | {median:,.0f} | {best / first:.3f}x |", flush=True)
