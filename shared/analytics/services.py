"""The services the CLI knows: adding one is one line in SERVICES.

Everything is named as ``"module:attribute"`` and imported only when a command needs it, so
``shared`` never imports ``services`` at import time.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceSpec:
    registry: str  # () -> EventRegistry of the service's public events
    decider: str  # the stream decider: as-of folds with its initial + evolve
    settings: str  # the service's Settings class (its events topic)
    read_models: str  # the service's ReadModel declarations (a sequence)


SERVICES: dict[str, ServiceSpec] = {
    "membership": ServiceSpec("shared.contracts.membership:membership_registry",
                              "services.membership.application.commands:MEMBER_DECIDER",
                              "services.membership.bootstrap:MembershipSettings",
                              "services.membership.bootstrap:READ_MODELS"),
    "cohorts": ServiceSpec("shared.contracts.cohorts:cohorts_registry",
                           "services.cohorts.application.commands:COHORT_DECIDER",
                           "services.cohorts.bootstrap:CohortsSettings",
                           "services.cohorts.bootstrap:READ_MODELS"),
    "funding": ServiceSpec("shared.contracts.funding:funding_registry",
                           "services.funding.application.commands:GRANT_DECIDER",
                           "services.funding.bootstrap:FundingSettings",
                           "services.funding.bootstrap:READ_MODELS"),
    "bookings": ServiceSpec("shared.contracts.bookings:bookings_registry",
                            "services.bookings.application.commands:SPACE_DAY_DECIDER",
                            "services.bookings.bootstrap:BookingsSettings",
                            "services.bookings.bootstrap:READ_MODELS"),
}


def load(ref: str) -> Any:
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def spec(service: str) -> ServiceSpec:
    try:
        return SERVICES[service]
    except KeyError:
        raise SystemExit(f"unknown service {service!r} (known: {', '.join(sorted(SERVICES))})") from None


def read_model(service: str, name: str) -> Any:
    """The ReadModel ``name`` of ``service``; SystemExit naming the known ones otherwise."""
    models = {m.name: m for m in load(spec(service).read_models)}
    if name not in models:
        raise SystemExit(f"unknown read model {name!r} of {service} (known: {', '.join(sorted(models))})")
    return models[name]
