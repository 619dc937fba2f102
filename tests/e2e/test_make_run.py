"""`make run`'s launcher: the embedded stack and the services, addresses printed, data kept
across runs, a clean stop on Ctrl-C."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import grpc

from lab27.membership.v1 import membership_pb2 as pb
from lab27.membership.v1 import membership_pb2_grpc
from shared.healthcheck import check
from shared.stack.stack import BROKER_ENV

ROOT = Path(__file__).resolve().parents[2]


def launch(data: Path, broker_kind: str) -> tuple[subprocess.Popen, dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_DSN", "KAFKA_BOOTSTRAP_SERVERS")}
    proc = subprocess.Popen([sys.executable, "-m", "shared.stack", "--data", str(data)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**env, BROKER_ENV: broker_kind})
    printed: dict[str, str] = {}
    deadline = time.monotonic() + 90
    assert proc.stdout is not None
    for line in proc.stdout:
        if m := re.match(r"(\w+)\s+grpc://(\S+)\s+(.*)", line):
            printed[m[1]] = m[2]
            assert m[3].strip() == "ready", line
        if "lab27 is running" in line or time.monotonic() > deadline:
            break
    return proc, printed


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def test_make_run_serves_every_service_keeps_data_and_stops_cleanly(broker_kind: str) -> None:
    data = ROOT / ".lab27" / f"make-run-{uuid.uuid4().hex[:8]}"
    try:
        proc, printed = launch(data, broker_kind)
        try:
            assert "membership" in printed, printed
            target = printed["membership"]
            assert check(target)
            with grpc.insecure_channel(target) as channel:
                stub = membership_pb2_grpc.MembershipServiceStub(channel)
                admitted = stub.AdmitMember(pb.AdmitMemberRequest(
                    request_id="make-run-1", scheme=pb.SCHEME_HALLES_CIVIQUES, kind=pb.KIND_ASSOCIATION,
                    name="Démocratie ouverte"), timeout=10)
        finally:
            assert "lab27 stopped." in stop(proc)

        # Again: Postgres keeps its data; tansu starts empty, Apache Kafka keeps its log.
        proc, printed = launch(data, broker_kind)
        try:
            with grpc.insecure_channel(printed["membership"]) as channel:
                stub = membership_pb2_grpc.MembershipServiceStub(channel)
                member = stub.GetMember(pb.GetMemberRequest(member_id=admitted.member_id,
                                                            consistency_token=admitted.result.consistency_token),
                                        timeout=10).member
                assert member.name == "Démocratie ouverte" and member.version == 1
                retried = stub.AdmitMember(pb.AdmitMemberRequest(
                    request_id="make-run-1", scheme=pb.SCHEME_HALLES_CIVIQUES, kind=pb.KIND_ASSOCIATION,
                    name="Démocratie ouverte"), timeout=10)
                assert retried.result.duplicate and retried.member_id == admitted.member_id
        finally:
            stop(proc)
    finally:
        shutil.rmtree(data, ignore_errors=True)
