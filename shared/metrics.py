"""Prometheus metrics of a running service, read from its parts at scrape time.

A collector (not counters incremented on the hot path) keeps the request path free of
metric bookkeeping; the figures come from the counters the parts keep anyway.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime


class RuntimeCollector(Collector):
    def __init__(self, runtime: "ServiceRuntime") -> None:
        self.runtime = runtime

    def collect(self) -> Iterator:
        service = self.runtime.settings.service_name
        infra, relay = self.runtime.infra, self.runtime.relay
        if infra is not None:
            batches = CounterMetricFamily("lab27_store_commits", "Group-commit transactions written", labels=["service"])
            batches.add_metric([service], infra.store.batches_written)
            appends = CounterMetricFamily("lab27_store_appends", "Appends that wrote events", labels=["service"])
            appends.add_metric([service], infra.store.appends_written)
            yield from (batches, appends)
        runner = infra.projections if infra is not None else None
        if runner is not None:  # the worker role's process
            applied = CounterMetricFamily("lab27_projection_events_applied", "Events applied to a read model",
                                          labels=["service", "projection"])
            position = GaugeMetricFamily("lab27_projection_position", "Last position applied, per source topic",
                                         labels=["service", "projection", "source"])
            for name in runner.projections:
                applied.add_metric([service, name], runner.appliers[name].applied)
            for name, consumer in runner.consumers.items():
                for source in consumer.topics:
                    position.add_metric([service, name, source], runner.waiter(name).position(source))
            dead = CounterMetricFamily("lab27_dead_letters", "Messages sent to the DLQ", labels=["service"])
            dead.add_metric([service], runner.dead_letters.count)
            yield from (applied, position, dead)
            yield from self._reactions(service, runner)
        admission = self.runtime.server.admission if self.runtime.server is not None else None
        if admission is not None:  # the API role's process
            refused = CounterMetricFamily("lab27_grpc_overload_refusals",
                                          "Commands answered RESOURCE_EXHAUSTED: MAX_IN_FLIGHT already in flight",
                                          labels=["service"])
            refused.add_metric([service], admission.refused)
            in_flight = GaugeMetricFamily("lab27_grpc_commands_in_flight", "Commands being served now",
                                          labels=["service"])
            in_flight.add_metric([service], admission.in_flight)
            yield from (refused, in_flight)
        if relay is not None:
            published = GaugeMetricFamily("lab27_relay_position", "Last position the broker acknowledged",
                                          labels=["service"])
            published.add_metric([service], relay.position)
            rewinds = CounterMetricFamily("lab27_relay_rewinds", "Republications after broker data loss",
                                          labels=["service"])
            rewinds.add_metric([service], relay.rewinds)
            yield from (published, rewinds)

    @staticmethod
    def _reactions(service: str, runner) -> Iterator:
        labels = ["service", "reaction"]
        handled = CounterMetricFamily("lab27_reaction_events_handled", "Inbound events a reaction handled", labels=labels)
        commands = CounterMetricFamily("lab27_reaction_commands", "Commands a reaction issued that stored events",
                                       labels=labels)
        expected = CounterMetricFamily("lab27_reaction_refusals_expected",
                                       "Commands of a reaction refused as expected (nothing to do)", labels=labels)
        anomalies = CounterMetricFamily("lab27_reaction_anomalies",
                                        "Commands of a reaction refused unexpectedly (kept in <reaction>.anomalies)",
                                        labels=labels)
        for name in runner.reactions:
            applier = runner.appliers[name]
            handled.add_metric([service, name], applier.handled)
            commands.add_metric([service, name], applier.commands)
            expected.add_metric([service, name], applier.expected_refusals)
            anomalies.add_metric([service, name], applier.anomalies)
        yield from (handled, commands, expected, anomalies)
