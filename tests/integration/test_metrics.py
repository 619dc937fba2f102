"""The metrics collector reads a running service's parts (real store, relay, projections)."""
from __future__ import annotations

from datetime import date

from prometheus_client import CollectorRegistry, generate_latest

from services.membership.application.commands import MembershipCommands
from services.membership.bootstrap import MembershipSettings, create_runtime
from services.membership.domain import AdmitMember
from shared.metrics import RuntimeCollector


async def test_metrics_report_store_relay_and_projection_progress(private_broker, fresh_dsn: str) -> None:
    broker = private_broker()  # lab27.membership.events: a topic no other test writes
    runtime = create_runtime(MembershipSettings(postgres_dsn=fresh_dsn, kafka_bootstrap_servers=broker.bootstrap_servers,
                                                grpc_port=0, role="all"))
    try:
        await runtime.start()
        commands = MembershipCommands(runtime.infra.store)
        _, outcome = await commands.execute(AdmitMember(scheme="association", kind="commune", name="Ville de Metz",
                                                        admitted_on=date(2018, 1, 1)))
        await runtime.infra.waiters["member_directory"].wait_for("lab27.membership.events",
                                                                           outcome.position, 10)
        registry = CollectorRegistry()
        registry.register(RuntimeCollector(runtime))
        text = generate_latest(registry).decode()
        assert 'lab27_store_appends_total{service="membership"} 1.0' in text
        assert 'lab27_grpc_overload_refusals_total{service="membership"} 0.0' in text
        assert 'lab27_grpc_commands_in_flight{service="membership"} 0.0' in text
        assert (f'lab27_projection_position{{projection="member_directory",service="membership",'
                f'source="lab27.membership.events"}} {float(outcome.position)}') in text
    finally:
        await runtime.stop()
