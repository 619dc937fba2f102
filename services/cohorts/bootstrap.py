"""The one wiring point of the cohorts service: everything is built from settings here."""
from __future__ import annotations

from lab27.cohorts.v1 import cohorts_pb2, cohorts_pb2_grpc
from shared.grpc.api import Api
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings
from services.cohorts.api.servicer import CohortsServicer
from services.cohorts.application.commands import CohortCommands
from services.cohorts.application.personal_data import agent_keys_ddl
from services.cohorts.projections.directory import COHORT_DIRECTORY
from services.cohorts.projections.membership_view import MEMBERSHIP_VIEW
from services.cohorts.projections.roster import COHORT_ROSTER
from services.cohorts.reactions.host_left import HOST_LEFT

SERVICE_NAME = "cohorts"
READ_MODELS = (COHORT_DIRECTORY, COHORT_ROSTER, MEMBERSHIP_VIEW)
REACTIONS = (HOST_LEFT,)


class CohortsSettings(ServiceSettings):
    service_name: str = SERVICE_NAME
    grpc_port: int = 50052


def commands(infra: Infrastructure) -> CohortCommands:
    # Opening and resuming decide on the membership view: a request's token (e.g. the host's
    # admission) is waited for there first.
    return CohortCommands(infra.store, infra.pool, wait_for_views=infra.consistency.for_command)


def api(infra: Infrastructure):
    kit = Api(infra.settings.events_topic, infra.consistency.for_query)
    servicer = CohortsServicer(kit, infra.commands, infra.pool)
    full_name = cohorts_pb2.DESCRIPTOR.services_by_name["CohortsService"].full_name
    return [(cohorts_pb2_grpc.add_CohortsServiceServicer_to_server, servicer)], [full_name]


def create_runtime(settings: CohortsSettings | None = None) -> ServiceRuntime:
    settings = settings or CohortsSettings()
    # The agents' keys: not a read model (never projected, rebuilt or exported), migrated beside them.
    parts = ServiceParts(SERVICE_NAME, projections=READ_MODELS, api=api, reactions=REACTIONS, commands=commands,
                         extra_migrations=(agent_keys_ddl(),))
    return ServiceRuntime(settings, parts)
