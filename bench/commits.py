"""Is a change slower than the code before it? AdmitMember at 32 in flight on several commits
of this repository, alternately, in the same run.

BENCH_COMMITS (default ``HEAD~1,HEAD``) names the commits; each is checked out in a worktree
under .lab27/ (removed at the end) and measured BENCH_ROUNDS times (default 2), the commits
taking turns within each round so that the machine's drift falls on each alike (the same code
varies ~15% between runs on this machine; a pair measured back to back varies much less).
Each measurement is bench/_commit_probe.py run with that commit's own code: its membership
service, and the CPU per call of its API process, worker, Postgres and broker. Baseline: the
first commit named, same round.

    BENCH_COMMITS=7db3ad4,e4b9d9f python -m bench commits    # the kit's second edition vs before
"""
from __future__ import annotations

import json
import os
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


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def measure(tree: Path) -> dict:
    shutil.copy(PROBE, tree / "bench" / PROBE.name)  # the commit's own bench package runs it
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "gen")])}
    env.pop("POSTGRES_DSN", None)
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    out = subprocess.run([sys.executable, "-m", f"bench.{PROBE.stem}"], cwd=tree, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    folder = ROOT / ".lab27" / f"bench-commits-{uuid.uuid4().hex[:6]}"
    trees: dict[str, Path] = {}
    try:
        for commit in COMMITS:
            sha = git("rev-parse", "--short", commit)
            trees[f"{commit} ({sha})"] = tree = folder / sha
            git("worktree", "add", "--detach", "-q", str(tree), sha)
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
