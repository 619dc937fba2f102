"""The one wiring point of the membership service: everything is built from settings here."""
from __future__ import annotations

from lab27.membership.v1 import membership_pb2, membership_pb2_grpc
from shared.contracts.membership import membership_registry
from shared.projections import Projection
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime, waiter_for
from shared.settings import ServiceSettings
from services.membership.api.servicer import MembershipServicer
from services.membership.application.commands import MembershipCommands
from services.membership.projections import directory

SERVICE_NAME = "membership"


class MembershipSettings(ServiceSettings):
    service_name: str = SERVICE_NAME
    grpc_port: int = 50051


def member_directory(settings: ServiceSettings) -> Projection:
    from shared.projections.rebuild import Fold, FoldedProjection

    return FoldedProjection(
        name=directory.SCHEMA,
        sources={settings.events_topic: membership_registry()},
        ddl=directory.DDL,
        handlers=directory.HANDLERS,
        bulk_handlers=directory.BULK_HANDLERS,  # runs of admissions in one INSERT
        # rebuilds fold in memory and COPY; the live runner uses the handlers
        fold=Fold(directory.fold_start, directory.fold_step, directory.fold_flush),
    )


def api(infra: Infrastructure):
    servicer = MembershipServicer(MembershipCommands(infra.store), infra.pool,
                                  waiter_for(infra, directory.SCHEMA))
    full_name = membership_pb2.DESCRIPTOR.services_by_name["MembershipService"].full_name
    return [(membership_pb2_grpc.add_MembershipServiceServicer_to_server, servicer)], [full_name]


def create_runtime(settings: MembershipSettings | None = None) -> ServiceRuntime:
    settings = settings or MembershipSettings()
    return ServiceRuntime(settings, ServiceParts(projections=[member_directory(settings)], api=api))
