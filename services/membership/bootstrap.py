"""The one wiring point of the membership service: everything is built from settings here."""
from __future__ import annotations

from lab27.membership.v1 import membership_pb2, membership_pb2_grpc
from shared.grpc.api import Api
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings
from services.membership.api.servicer import MembershipServicer
from services.membership.application.commands import MembershipCommands
from services.membership.projections.directory import MEMBER_DIRECTORY

SERVICE_NAME = "membership"
READ_MODELS = (MEMBER_DIRECTORY,)


class MembershipSettings(ServiceSettings):
    service_name: str = SERVICE_NAME
    grpc_port: int = 50051


def commands(infra: Infrastructure) -> MembershipCommands:
    return MembershipCommands(infra.store)


def api(infra: Infrastructure):
    kit = Api(infra.settings.events_topic, infra.consistency.for_query)
    servicer = MembershipServicer(kit, infra.commands, infra.pool)
    full_name = membership_pb2.DESCRIPTOR.services_by_name["MembershipService"].full_name
    return [(membership_pb2_grpc.add_MembershipServiceServicer_to_server, servicer)], [full_name]


def create_runtime(settings: MembershipSettings | None = None) -> ServiceRuntime:
    settings = settings or MembershipSettings()
    return ServiceRuntime(settings, ServiceParts(SERVICE_NAME, projections=READ_MODELS, api=api, commands=commands))
