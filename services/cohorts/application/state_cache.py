"""A command handler that keeps the cohorts it folded, and reads only what came after.

A cohort's stream grows with its roster and its logs (200 agents, their absences, sprints):
folding all of it for every command made the 200th enrolment fold 200+ events, decoding each
(~15 ms of CPU). This handler keeps, per stream, the last state it folded with its version
and position, and on the next load reads only the events after that version (the store reads
from a version), folding them onto the kept state. States are immutable (domain/state.py:
frozen dataclasses whose mappings evolve never changes in place), so a kept state is shared
safely.

Nothing is kept that the store has not committed (it is what a read returned), and every
load still reads the store, so events another process appended are always folded in: the
kept state is only ever behind the truth, never wrong. The kit's CommandHandler has no such
cache (it folds from version 1), hence this subclass, local to cohorts.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from shared.application.command_handler import CommandHandler
from shared.application.decider import Decider
from shared.eventstore.base import NO_STREAM, EventStore
from shared.events.registry import EventRegistry

KEPT_STREAMS = 512  # cohorts kept folded, least recently used dropped first


class CachingCommandHandler(CommandHandler):
    def __init__(self, store: EventStore, registry: EventRegistry, decider: Decider, *,
                 kept: int = KEPT_STREAMS, **options: Any) -> None:
        super().__init__(store, registry, decider, **options)
        self._events = store
        self._types = registry
        self._fold = decider
        self._kept: OrderedDict[str, tuple[Any, int, int]] = OrderedDict()  # stream -> (state, version, position)
        self._most = kept

    async def load(self, stream_id: str) -> tuple[Any, int, int]:
        """(state, version, position of the stream's last event), folding only what is new."""
        state, version, position = self._kept.get(stream_id, (self._fold.initial, NO_STREAM, 0))
        envelopes = await self._events.read_stream(stream_id, version + 1)
        for envelope in envelopes:
            state = self._fold.evolve(state, self._types.decode(envelope.type, envelope.schema_version, envelope.data))
            version, position = envelope.version, envelope.position
        if version != NO_STREAM:
            self._keep(stream_id, state, version, position)
        return state, version, position

    def _keep(self, stream_id: str, state: Any, version: int, position: int) -> None:
        kept = self._kept.get(stream_id)
        if kept is None or kept[1] <= version:  # a slower concurrent load never moves it back
            self._kept[stream_id] = (state, version, position)
        self._kept.move_to_end(stream_id)
        while len(self._kept) > self._most:
            self._kept.popitem(last=False)
