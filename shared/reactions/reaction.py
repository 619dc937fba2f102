"""A reaction, declared once: the topics it consumes and, per event type, a handler that issues
this service's own commands.

    ON_HOLD = Reaction("cohorts_on_hold", sources={events_topic("membership"): membership_registry()},
                       handlers={MemberLeft.event_type: host_left})

    async def host_left(ctx: ReactionContext, e: MemberLeft, meta: EventMeta) -> None:
        pool = await ctx.read("cohort_progress")  # caught up with this service's store
        for cohort_id in await running_cohorts_of(pool, e.member_id):
            await ctx.execute(PutOnHold(cohort_id=cohort_id, reason=...), key=str(cohort_id),
                              expected=(PreconditionFailed,))

Each command's request id is derived from (reaction, inbound event id, key), so a redelivered or
replayed event issues nothing new: the store answers the first result. Before a handler runs,
every local view of this service that reads the inbound topic has applied the inbound event
(so a decision made after the reaction sees what the reaction saw). A refusal the handler
``expected`` means "nothing to do"; any other refusal is an **anomaly**: logged, counted, and
kept in ``<reaction>.anomalies`` for an operator (``lab27 anomalies``), never retried forever.
A handler that raises anything else is a bug: the inbound record goes to the DLQ. An outage
(the database, a bounded wait) retries the batch; what was done already is not done twice.
"""
from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.application.command_handler import CommandOutcome
from shared.application.requests import MAX_REQUEST_ID, RequestMeta
from shared.events.registry import EventRegistry
from shared.projections.readmodel import EventMeta

# The service's command entry point: (command, meta) -> (the id it addressed, what was stored).
Executor = Callable[[Any, RequestMeta], Awaitable[tuple[Any, CommandOutcome]]]
Handler = Callable[["ReactionContext", Any, EventMeta], Awaitable[None]]

ANOMALIES_DDL = """
CREATE TABLE IF NOT EXISTS anomalies (
    event_id    uuid NOT NULL,          -- the inbound event
    key         text NOT NULL,          -- which of its commands
    source      text NOT NULL,
    position    bigint NOT NULL,
    event_type  text NOT NULL,
    command     text NOT NULL,
    code        text NOT NULL,          -- the refusal's class, e.g. PreconditionFailed
    message     text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, key)
)
"""


@dataclass(frozen=True)
class Reaction:
    """``name`` is its Postgres schema (checkpoint + anomalies), lower-case like a read model's."""

    name: str
    sources: Mapping[str, EventRegistry]
    handlers: Mapping[str, Handler]
    ddl: str = field(default=ANOMALIES_DDL, repr=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.lower() != self.name:
            raise ValueError(f"reaction name must be a lower-case identifier: {self.name!r}")

    @property
    def topics(self) -> list[str]:
        return list(self.sources)

    def ddl_text(self) -> str:
        return self.ddl

    def request_id(self, event_id: object, key: str) -> str:
        """The request id of the command issued for (inbound event, key): the same on every
        delivery. Hashed when it would not fit a request id."""
        request_id = f"{self.name}:{event_id}:{key}"
        if len(request_id) <= MAX_REQUEST_ID:
            return request_id
        return f"{self.name}:{hashlib.sha256(request_id.encode()).hexdigest()}"[:MAX_REQUEST_ID]


class ReactionContext:
    """What a handler may do: read this service's read models, and issue its commands."""

    def __init__(self, applier: Any, envelope: Any) -> None:
        self._applier = applier
        self._envelope = envelope

    @property
    def pool(self) -> Any:
        return self._applier.pool

    async def read(self, read_model: str) -> Any:
        """The pool, once ``read_model`` has applied everything this service has stored so far."""
        await self._applier.caught_up(read_model)
        return self._applier.pool

    async def execute(self, command: Any, *, key: str = "", expected: tuple[type[BaseException], ...] = ()) -> Any:
        """Issue ``command`` once for this inbound event and ``key``; returns the id it
        addressed, or None when it was refused (``expected``: nothing to do; else an anomaly)."""
        return await self._applier.execute(self._envelope, command, key, expected)
