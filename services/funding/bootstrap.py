"""The one wiring point of the funding service: everything is built from settings here."""
from __future__ import annotations

from lab27.funding.v1 import funding_pb2, funding_pb2_grpc
from shared.grpc.api import Api
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings
from services.funding.api.servicer import FundingServicer
from services.funding.application.administrations import LocalViewsLookup
from services.funding.application.commands import FundingCommands
from services.funding.projections.cohorts_view import COHORTS_VIEW
from services.funding.projections.ledger import FUNDING_LEDGER
from services.funding.projections.membership_view import MEMBERSHIP_VIEW
from services.funding.reactions import REACTIONS

SERVICE_NAME = "funding"
READ_MODELS = (FUNDING_LEDGER, MEMBERSHIP_VIEW, COHORTS_VIEW)


class FundingSettings(ServiceSettings):
    service_name: str = SERVICE_NAME
    grpc_port: int = 50053


def commands(infra: Infrastructure) -> FundingCommands:
    # An allocation decides on the local views once they hold the token's foreign positions.
    return FundingCommands(infra.store, LocalViewsLookup(infra.pool, infra.consistency.for_command))


def api(infra: Infrastructure):
    kit = Api(infra.settings.events_topic, infra.consistency.for_query)
    servicer = FundingServicer(kit, infra.commands, infra.pool)
    full_name = funding_pb2.DESCRIPTOR.services_by_name["FundingService"].full_name
    return [(funding_pb2_grpc.add_FundingServiceServicer_to_server, servicer)], [full_name]


def create_runtime(settings: FundingSettings | None = None) -> ServiceRuntime:
    settings = settings or FundingSettings()
    return ServiceRuntime(settings, ServiceParts(SERVICE_NAME, projections=READ_MODELS, api=api,
                                                 reactions=REACTIONS, commands=commands))
