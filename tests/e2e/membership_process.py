"""The membership service as a separate process, reached only through gRPC, and what its
e2e tests send it.

Each ``MembershipService`` owns its own database (on the session's embedded Postgres) and its
own broker of the run's tier (tansu or Apache Kafka): the topic ``lab27.membership.events`` is
then the only one of its name the service ever sees, so positions from another test module's
database can never collide with it. The process itself is a tests.e2e.services.ServiceProcess.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from lab27.common.v1 import common_pb2
from lab27.membership.v1 import membership_pb2 as pb
from shared.stack.stack import embedded_broker
from tests.e2e.services import ServiceProcess


@dataclass
class MembershipService(ServiceProcess):
    """One membership process plus its private broker and database; restartable on the same port."""

    service: str = "membership"
    broker_kind: str = "tansu"

    async def start(self) -> None:
        """Starts the broker (first time only) and the process, then waits for SERVING."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        if self.broker is None:
            self.broker = embedded_broker(self.broker_kind, self.work_dir).start()
        await super().start()

    async def close(self) -> None:
        await self.terminate()
        if self.broker is not None:
            self.broker.stop()
            self.broker = None


def rid() -> str:
    return uuid.uuid4().hex


def admit_request(name: str, *, scheme: int = pb.SCHEME_ASSOCIATION, kind: int = pb.KIND_COMMUNE,
                  siren: str | None = None, territory: str = "Bretagne", request_id: str | None = None,
                  **extra) -> pb.AdmitMemberRequest:
    req = pb.AdmitMemberRequest(request_id=request_id or rid(), scheme=scheme, kind=kind, name=name,
                                territory=territory, **extra)
    if "effective_date" not in extra:
        req.effective_date.CopyFrom(common_pb2.Date(year=2025, month=3, day=1))
    if siren is not None:
        req.siren = siren
    return req


async def list_all(stub, token: str = "", page_size: int = 500, **filters) -> list[pb.Member]:
    """Every member matching the filters, walking the pages."""
    members: list[pb.Member] = []
    page_token = ""
    while True:
        reply = await stub.ListMembers(pb.ListMembersRequest(
            page=common_pb2.PageRequest(page_size=page_size, page_token=page_token),
            consistency_token=token, **filters), timeout=10)
        members.extend(reply.members)
        page_token = reply.page.next_page_token
        if not page_token:
            return members


def siren(seed: int) -> str:
    """A Luhn-valid SIREN built from ``seed`` (8 digits + check digit)."""
    from services.membership.domain.fields import luhn_valid

    body = f"{seed % 10**8:08d}"
    return next(body + str(d) for d in range(10) if luhn_valid(body + str(d)))
