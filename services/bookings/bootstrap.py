"""The one wiring point of the bookings service: everything is built from settings here."""
from __future__ import annotations

from lab27.bookings.v1 import bookings_pb2, bookings_pb2_grpc
from shared.grpc.api import Api
from shared.runtime import Infrastructure, ServiceParts, ServiceRuntime
from shared.settings import ServiceSettings
from services.bookings.api.servicer import BookingsServicer
from services.bookings.application.commands import BookingsCommands
from services.bookings.application.facts import VenueFacts
from services.bookings.projections.collective import COLLECTIVE_MEMBERS
from services.bookings.projections.venue import VENUE
from services.bookings.reactions.member_left import MEMBER_LEFT

SERVICE_NAME = "bookings"
READ_MODELS = (VENUE, COLLECTIVE_MEMBERS)
REACTIONS = (MEMBER_LEFT,)


class BookingsSettings(ServiceSettings):
    service_name: str = SERVICE_NAME
    grpc_port: int = 50054


def commands(infra: Infrastructure) -> BookingsCommands:
    # The facts a booking decides with come from this service's own read models (the venue,
    # the local view of the collective), after the bounded waits of infra.consistency.
    facts = VenueFacts(infra.pool, infra.store, infra.consistency, infra.settings.events_topic)
    return BookingsCommands(infra.store, facts)


def api(infra: Infrastructure):
    kit = Api(infra.settings.events_topic, infra.consistency.for_query)
    servicer = BookingsServicer(kit, infra.commands, infra.pool)
    full_name = bookings_pb2.DESCRIPTOR.services_by_name["BookingsService"].full_name
    return [(bookings_pb2_grpc.add_BookingsServiceServicer_to_server, servicer)], [full_name]


def create_runtime(settings: BookingsSettings | None = None) -> ServiceRuntime:
    settings = settings or BookingsSettings()
    return ServiceRuntime(settings, ServiceParts(SERVICE_NAME, projections=READ_MODELS, api=api,
                                                 reactions=REACTIONS, commands=commands))
