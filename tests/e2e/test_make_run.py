"""`make run`: the whole system on the embedded stack, loading the article's history on first
start, read back through gRPC queries only.

One launch per broker tier serves the module: the launcher prints where every service listens
and a summary; the figures the article gives are then asserted through the four services'
queries (with the loader's consistency token, which the launcher keeps in its data folder);
loading again changes no figure; a second launch keeps the data, loads nothing again, and
stops cleanly on Ctrl-C.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab27.bookings.v1 import bookings_pb2 as bk
from lab27.cohorts.v1 import cohorts_pb2 as co
from lab27.common.v1 import common_pb2
from lab27.funding.v1 import funding_pb2 as fu
from lab27.membership.v1 import membership_pb2 as pb
from shared.healthcheck import check
from shared.scenario import article
from shared.scenario.loader import Stubs, load_scenario
from shared.scenario.summary import summary
from shared.stack.stack import BROKER_ENV

ROOT = Path(__file__).resolve().parents[2]
PAGE = common_pb2.PageRequest(page_size=500)
SERVICES = ("membership", "cohorts", "funding", "bookings")


def launch(data: Path, broker_kind: str) -> tuple[subprocess.Popen, dict[str, str], list[str]]:
    """The launcher, until it says it is running: (process, endpoints, every line it printed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("POSTGRES_DSN", "KAFKA_BOOTSTRAP_SERVERS")}
    proc = subprocess.Popen([sys.executable, "-m", "shared.stack", "--data", str(data)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**env, BROKER_ENV: broker_kind})
    printed: dict[str, str] = {}
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if m := re.match(r"(\w+)\s+grpc://(\S+)\s+(.*)", line):
            printed[m[1]] = m[2]
            assert m[3].strip() == "ready", f"{line}{log_tail(data / f'{m[1]}.log')}"
        if "lab27 is running" in line or time.monotonic() > deadline:
            break
    return proc, printed, lines


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


@dataclass
class Running:
    proc: subprocess.Popen
    data: Path
    endpoints: dict[str, str]
    lines: list[str]
    stubs: Stubs
    broker_kind: str

    @property
    def token(self) -> str:
        return (self.data / "scenario.loaded").read_text().strip()


def log_tail(path: Path, lines: int = 40) -> str:
    """The end of a service's log, for a failure message (the data folder is removed after)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log: {exc})"


@pytest.fixture(scope="module")
async def running(broker_kind: str) -> AsyncIterator[Running]:
    data = ROOT / ".lab27" / f"make-run-{uuid.uuid4().hex[:8]}"
    proc, endpoints, lines = launch(data, broker_kind)
    try:
        assert set(endpoints) == set(SERVICES), lines
        stubs = Stubs.connect(endpoints)
        try:
            yield Running(proc, data, endpoints, lines, stubs, broker_kind)
        finally:
            await stubs.close()
    finally:
        if proc.poll() is None:
            stop(proc)
        shutil.rmtree(data, ignore_errors=True)


async def members(stubs: Stubs, token: str, scheme: int) -> list[pb.Member]:
    reply = await stubs.membership.ListMembers(pb.ListMembersRequest(scheme=scheme, page=PAGE,
                                                                     consistency_token=token), timeout=10)
    return list(reply.members)


def cents(money: common_pb2.Money) -> int:
    assert money.currency == "EUR"
    return money.amount_cents


async def test_the_launcher_serves_every_service_and_prints_the_history(running: Running) -> None:
    for service, target in running.endpoints.items():
        assert check(target), service
    text = "\n".join(running.lines)
    assert re.search(r"scenario\s+the article's history loaded: \d+ calls", text), text
    assert "30 in the association" in text and "17 organisations run the halles civiques" in text
    assert "remaining 430 000.00 EUR" in text


async def test_members_of_the_association_and_the_collective(running: Running) -> None:
    association = await members(running.stubs, running.token, pb.SCHEME_ASSOCIATION)
    collective = await members(running.stubs, running.token, pb.SCHEME_HALLES_CIVIQUES)
    assert len(association) == 30 and len(collective) == 17
    kinds = {pb.Kind.Name(m.kind) for m in association}
    assert {"KIND_REGION", "KIND_METROPOLE", "KIND_COMMUNAUTE_URBAINE", "KIND_AGGLOMERATION", "KIND_COMMUNE",
            "KIND_STATE_SERVICE"} <= kinds  # local authorities of every kind, and State services
    names = {m.name for m in collective}
    assert {"La 27e Région", "Démocratie ouverte", "Direction interministérielle de la transformation publique"} <= names
    counts = await running.stubs.membership.CountMembers(pb.CountMembersRequest(consistency_token=running.token),
                                                         timeout=10)
    assert {pb.Scheme.Name(s.scheme): s.count for s in counts.by_scheme} == {
        "SCHEME_ASSOCIATION": 30, "SCHEME_HALLES_CIVIQUES": 17}


async def test_the_grant_its_allocations_and_the_45_55_split(running: Running) -> None:
    [grant] = (await running.stubs.funding.ListGrants(fu.ListGrantsRequest(page=PAGE, consistency_token=running.token),
                                                      timeout=10)).grants
    assert (grant.funder, cents(grant.awarded), grant.administrations, grant.funder_share_bp) == (
        "Bloomberg Philanthropies", 860_000_00, 10, 4500)
    assert (grant.awarded_on.year, grant.awarded_on.month) == (2017, 7)
    assert (grant.allocation_count, cents(grant.allocated), cents(grant.remaining)) == (5, 430_000_00, 430_000_00)
    assert [(d.count, d.due_by.year) for d in grant.designations_outstanding] == [(5, 2019)]
    allocations = (await running.stubs.funding.ListAllocations(fu.ListAllocationsRequest(
        grant_id=grant.grant_id, page=PAGE, consistency_token=running.token), timeout=10)).allocations
    assert len(allocations) == 5
    for allocation in allocations:  # 45% from the funder, 55% from the administration, to the cent
        assert cents(allocation.funder_part) == 86_000_00
        assert (cents(allocation.cost), cents(allocation.local_part)) == (191_111_11, 105_111_11)
        assert cents(allocation.funder_part) + cents(allocation.local_part) == cents(allocation.cost)
        assert cents(allocation.pledged) == 105_111_11


async def test_cohorts_twenty_agents_a_b_c_attrition_and_absences_within_budget(running: Running) -> None:
    hosts = {m.member_id: m.name for m in await members(running.stubs, running.token, pb.SCHEME_ASSOCIATION)}
    labs = (await running.stubs.cohorts.ListCohorts(co.ListCohortsRequest(
        page=PAGE, kind=co.COHORT_KIND_LAB, consistency_token=running.token), timeout=10)).cohorts
    assert {hosts[c.host_member_id] for c in labs} == {
        "Ville de Mulhouse", "Communauté urbaine de Dunkerque", "Ville de Paris", "Région Occitanie",
        "Métropole européenne de Lille"}
    by_host = {hosts[c.host_member_id]: c for c in labs}
    assert (by_host["Ville de Mulhouse"].started_on.year, by_host["Ville de Mulhouse"].started_on.month) == (2016, 6)
    assert (by_host["Ville de Paris"].started_on.year, by_host["Ville de Paris"].started_on.month) == (2018, 5)
    assert by_host["Région Occitanie"].started_on.year == 2017
    assert by_host["Métropole européenne de Lille"].status == co.COHORT_STATUS_OPEN  # next
    withdrawn = 0
    for lab in labs:
        progress = (await running.stubs.cohorts.GetProgress(co.GetProgressRequest(
            cohort_id=lab.cohort_id, consistency_token=running.token), timeout=10)).progress
        assert progress.agents_enrolled == 20
        assert {co.AgentCategory.Name(c.category) for c in progress.category_mix if c.count} == {
            "AGENT_CATEGORY_A", "AGENT_CATEGORY_B", "AGENT_CATEGORY_C"}
        assert progress.attrition_rate == pytest.approx(progress.agents_withdrawn / 20)
        assert progress.most_absence_days_used <= progress.absence_budget_per_agent <= 40
        assert 14 <= lab.duration_months <= 18
        withdrawn += progress.agents_withdrawn
    assert withdrawn == sum(lab.withdrawals for lab in article.LABS) > 0  # some dropped out
    workshops = (await running.stubs.cohorts.ListCohorts(co.ListCohortsRequest(
        page=PAGE, kind=co.COHORT_KIND_WORKSHOP, consistency_token=running.token), timeout=10)).cohorts
    assert sorted(w.theme for w in workshops) == sorted(w.theme for w in article.WORKSHOPS)


async def test_the_reactions_made_tranches_due_and_cancelled_the_leavers_bookings(running: Running) -> None:
    hosts = {m.name: m.member_id for m in await members(running.stubs, running.token, pb.SCHEME_ASSOCIATION)}
    for name in ("Ville de Mulhouse", "Région Occitanie", "Communauté urbaine de Dunkerque", "Ville de Paris"):
        [allocation] = (await running.stubs.funding.GetAdministrationFunding(fu.GetAdministrationFundingRequest(
            member_id=hosts[name], consistency_token=running.token), timeout=10)).allocations
        tranches = {fu.Tranche.Name(t.tranche): t for t in allocation.tranches}
        first = tranches["TRANCHE_FIRST"]
        assert first.status in (fu.TRANCHE_STATUS_DUE, fu.TRANCHE_STATUS_DISBURSED), name  # its cohort started
    [lille] = (await running.stubs.funding.GetAdministrationFunding(fu.GetAdministrationFundingRequest(
        member_id=hosts["Métropole européenne de Lille"], consistency_token=running.token), timeout=10)).allocations
    assert {t.status for t in lille.tranches} == {fu.TRANCHE_STATUS_SCHEDULED}  # not started: nothing due
    key, left_on, _reason = article.LEAVES_COLLECTIVE
    leaver = next(m for m in await members(running.stubs, running.token, pb.SCHEME_HALLES_CIVIQUES)
                  if m.name == next(c.name for c in article.COLLECTIVE_MEMBERS if c.key == key))
    assert leaver.status == pb.STATUS_LEFT
    bookings = (await running.stubs.bookings.ListOrganisationBookings(bk.ListOrganisationBookingsRequest(
        organisation_id=leaver.member_id, page=PAGE, consistency_token=running.token), timeout=10)).bookings
    statuses = {(b.day.year, b.day.month): b.status for b in bookings}
    assert statuses == {(2018, 5): bk.BOOKING_STATUS_BOOKED,  # before it left: kept
                        (2018, 9): bk.BOOKING_STATUS_CANCELLED, (2018, 10): bk.BOOKING_STATUS_CANCELLED}
    assert all(str(left_on) in b.cancel_reason for b in bookings if b.status == bk.BOOKING_STATUS_CANCELLED)


async def test_loading_again_changes_no_figure_and_a_restart_loads_nothing(running: Running) -> None:
    before = await summary(running.stubs, running.token)
    again = await load_scenario(running.endpoints)
    assert again.calls == again.duplicates  # every command answered its first result
    assert await summary(running.stubs, again.token) == before
    assert "lab27 stopped." in stop(running.proc)

    # Again: Postgres keeps its data (tansu starts empty, Apache Kafka keeps its log).
    proc, endpoints, lines = launch(running.data, running.broker_kind)
    try:
        assert not any(line.startswith("scenario") for line in lines), lines  # not loaded twice
        stubs = Stubs.connect(endpoints)
        try:
            assert await summary(stubs, running.token) == before
        finally:
            await stubs.close()
    finally:
        assert "lab27 stopped." in stop(proc)
