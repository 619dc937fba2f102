"""``lab27``: the analysts' CLI (also ``python -m shared.cli``).

    lab27 export --service membership [--dsn DSN] [--from-position N] [--to-position N]
                 [--since ISO] [--until ISO] [--type T ...] [--stream S ...] --format jsonl|csv|parquet --out FILE
    lab27 export-topic --bootstrap HOST:PORT --topic lab27.membership.events [same filters] --format ... --out FILE
    lab27 rebuild --service membership [--dsn DSN] --projection member_directory
    lab27 as-of --service membership [--dsn DSN] (--at ISO | --on DATE) [--stream MEMBER_ID]
    lab27 anomalies [--dsn DSN] [--reaction NAME]
    lab27 load-scenario [--membership HOST:PORT] [--cohorts ...] [--funding ...] [--bookings ...]
    lab27 summary [same endpoints] [--consistency-token TOKEN]

``--dsn`` defaults to $POSTGRES_DSN (the service's own database). Times are ISO 8601, UTC when
no offset is given, and filter on ``recorded_at`` (when the store committed the event).
Services are listed in shared/analytics/services.py (one line each) and imported lazily.

Rebuild while the service runs: the read model is built in ``<name>__rebuild``, then one
transaction locks the live schema's checkpoint table (waiting for the live runner's batch in
flight, holding off the next), applies the events appended meanwhile, and renames the schemas.
The checkpoints live in the schema, so they move with it: the live runner (in its own
process, not paused) resumes from the new checkpoint, skips what the rebuild applied and
applies the rest once; queries see the old or the new read model, never a mix.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from shared.analytics import services
from shared.analytics.filters import EventFilter, parse_instant
from shared.analytics.writers import FORMATS, Writer, open_writer


def _dsn(args: argparse.Namespace) -> str:
    dsn = args.dsn or os.environ.get("POSTGRES_DSN")
    if not dsn:
        raise SystemExit("no database: give --dsn or set POSTGRES_DSN")
    return dsn


def _filter(args: argparse.Namespace) -> EventFilter:
    return EventFilter(
        from_position=args.from_position, to_position=args.to_position,
        since=parse_instant(args.since) if args.since else None,
        until=parse_instant(args.until) if args.until else None,
        types=tuple(args.type or ()), streams=tuple(args.stream or ()))


async def _export(args: argparse.Namespace, export: Callable[[Writer], Awaitable[int]]) -> int:
    """Run ``export`` into the writer --format and --out ask for; report the count."""
    writer = open_writer(args.format, args.out)
    try:
        count = await export(writer)
    finally:
        writer.close()
    print(f"{count} events exported to {args.out}", file=sys.stderr)
    return 0


async def cmd_export(args: argparse.Namespace) -> int:
    from shared.analytics.export import export_store

    services.spec(args.service)
    return await _export(args, lambda writer: export_store(_dsn(args), args.service, _filter(args), writer))


async def cmd_export_topic(args: argparse.Namespace) -> int:
    from shared.analytics.export import export_topic

    return await _export(args, lambda writer: export_topic(args.bootstrap, args.topic, _filter(args), writer))


async def cmd_rebuild(args: argparse.Namespace) -> int:
    from shared.db import create_pool
    from shared.projections.rebuild import rebuild
    from shared.projections.store_pages import StorePages

    spec = services.spec(args.service)
    model = services.read_model(args.service, args.projection)
    dsn = _dsn(args)
    settings = services.load(spec.settings)(service_name=args.service, postgres_dsn=dsn)
    bootstrap = args.bootstrap or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    pool = await create_pool(dsn, min_size=1, max_size=3)
    try:
        # The service's own history from its store; other services' topics (local views) from Kafka.
        report = await rebuild(model, pool, stores={settings.events_topic: StorePages(pool, args.service)},
                               bootstrap=bootstrap)
    finally:
        await pool.close()
    print(json.dumps({"projection": report.projection, "events": report.events, "applied": report.applied,
                      "skipped_poison": report.skipped_poison, "seconds": round(report.seconds, 3),
                      "events_per_second": round(report.events_per_second), "checkpoints": report.checkpoints}))
    return 0


async def cmd_anomalies(args: argparse.Namespace) -> int:
    """Every reaction's anomalies (commands it issued that the domain refused unexpectedly)."""
    import asyncpg

    conn = await asyncpg.connect(_dsn(args))
    try:
        schemas = [r[0] for r in await conn.fetch(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'anomalies' "
            "AND strpos(table_schema, '__') = 0 ORDER BY 1")]
        count = 0
        for reaction in schemas:
            if args.reaction and reaction != args.reaction:
                continue
            for row in await conn.fetch(f'SELECT * FROM "{reaction}".anomalies ORDER BY recorded_at, position'):
                print(json.dumps({"reaction": reaction, **{k: str(v) if not isinstance(v, int) else v
                                                           for k, v in dict(row).items()}}, ensure_ascii=False))
                count += 1
    finally:
        await conn.close()
    print(f"{count} anomalies", file=sys.stderr)
    return 0


async def cmd_as_of(args: argparse.Namespace) -> int:
    from shared.analytics.asof import Moment, state_as_of, states_as_of

    if (args.at is None) == (args.on is None):
        raise SystemExit("give --at ISO (as recorded by then) or --on DATE (as of that business date)")
    moment = Moment(recorded=parse_instant(args.at)) if args.at else Moment(on=date.fromisoformat(args.on))
    spec = services.spec(args.service)
    registry, decider = services.load(spec.registry)(), services.load(spec.decider)
    if args.stream:
        result = await state_as_of(_dsn(args), registry, decider, args.stream, moment)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    count = 0
    async for result in states_as_of(_dsn(args), registry, decider, moment):
        print(json.dumps(result, ensure_ascii=False))
        count += 1
    print(f"{count} streams", file=sys.stderr)
    return 0


def _endpoints(args: argparse.Namespace) -> dict[str, str]:
    return {name: getattr(args, name) for name in ("membership", "cohorts", "funding", "bookings")}


async def cmd_load_scenario(args: argparse.Namespace) -> int:
    from shared.scenario.loader import load_scenario

    loaded = await load_scenario(_endpoints(args))
    print(json.dumps({"calls": loaded.calls, "duplicates": loaded.duplicates, "members": len(loaded.members),
                      "cohorts": len(loaded.cohorts), "grant_id": loaded.grant_id, "bookings": len(loaded.bookings),
                      "consistency_token": loaded.token}))
    return 0


async def cmd_summary(args: argparse.Namespace) -> int:
    from shared.scenario.loader import Stubs
    from shared.scenario.summary import summary

    stubs = Stubs.connect(_endpoints(args))
    try:
        for line in await summary(stubs, args.consistency_token):
            print(line)
    finally:
        await stubs.close()
    return 0


def _add_endpoints(parser: argparse.ArgumentParser) -> None:
    from shared.scenario.loader import DEFAULT_ENDPOINTS

    for name, target in DEFAULT_ENDPOINTS.items():
        parser.add_argument(f"--{name}", default=target, help=f"{name}'s gRPC endpoint (default {target})")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-position", type=int, help="first position (inclusive)")
    parser.add_argument("--to-position", type=int, help="last position (inclusive)")
    parser.add_argument("--since", help="recorded at or after this ISO instant")
    parser.add_argument("--until", help="recorded before this ISO instant")
    parser.add_argument("--type", nargs="+", action="extend", metavar="T",
                        help="event types, full (membership.MemberLeft) or short (MemberLeft)")
    parser.add_argument("--stream", nargs="+", action="extend", metavar="S", help="stream ids")
    parser.add_argument("--format", choices=FORMATS, required=True)
    parser.add_argument("--out", required=True, help="output file ('-' = stdout for jsonl and csv)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lab27", description="lab27 analysts' tools")
    commands = root.add_subparsers(dest="command", required=True)
    known = ", ".join(sorted(services.SERVICES))

    export = commands.add_parser("export", help="export a service's event store (envelopes)")
    export.add_argument("--service", required=True, help=f"one of: {known}")
    export.add_argument("--dsn", help="the service's database (default: $POSTGRES_DSN)")
    _add_filters(export)
    export.set_defaults(run=cmd_export)

    topic = commands.add_parser("export-topic", help="export a Kafka topic from its beginning to its current end")
    topic.add_argument("--bootstrap", required=True, help="host:port")
    topic.add_argument("--topic", required=True, help="e.g. lab27.membership.events")
    _add_filters(topic)
    topic.set_defaults(run=cmd_export_topic)

    rebuild = commands.add_parser("rebuild", help="rebuild a read model from the store and swap it in")
    rebuild.add_argument("--service", required=True, help=f"one of: {known}")
    rebuild.add_argument("--dsn", help="the service's database (default: $POSTGRES_DSN)")
    rebuild.add_argument("--projection", required=True, help="the read model, e.g. member_directory")
    rebuild.add_argument("--bootstrap", help="Kafka, for read models of other services' topics "
                                             "(default: $KAFKA_BOOTSTRAP_SERVERS)")
    rebuild.set_defaults(run=cmd_rebuild)

    anomalies = commands.add_parser("anomalies", help="what reactions were refused unexpectedly, as JSON lines")
    anomalies.add_argument("--dsn", help="the service's database (default: $POSTGRES_DSN)")
    anomalies.add_argument("--reaction", help="only this reaction (its name)")
    anomalies.set_defaults(run=cmd_anomalies)

    load = commands.add_parser("load-scenario", help="load the article's history through the gRPC APIs "
                                                     "(harmless twice: deterministic request ids)")
    _add_endpoints(load)
    load.set_defaults(run=cmd_load_scenario)

    summary = commands.add_parser("summary", help="members, cohorts, the grant and the next bookings, read "
                                                  "through the gRPC APIs")
    _add_endpoints(summary)
    summary.add_argument("--consistency-token", default="", help="wait until the services hold this token")
    summary.set_defaults(run=cmd_summary)

    as_of = commands.add_parser("as-of", help="streams' states as recorded by an instant, or as of a business date")
    as_of.add_argument("--service", required=True, help=f"one of: {known}")
    as_of.add_argument("--dsn", help="the service's database (default: $POSTGRES_DSN)")
    as_of.add_argument("--at", help="as recorded by this ISO instant (UTC when no offset)")
    as_of.add_argument("--on", help="as of the end of this business date (YYYY-MM-DD, Paris time)")
    as_of.add_argument("--stream", help="one stream id (membership: the member id); default: every stream, "
                                        "as JSON lines")
    as_of.set_defaults(run=cmd_as_of)
    return root


async def run(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return await args.run(args)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(argv))


if __name__ == "__main__":
    sys.exit(main())
