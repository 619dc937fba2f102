"""The command handler, with the grants it folded kept in memory.

Every command of a grant (its allocations, tranches, freezes) is on the grant's one stream,
and the kit's handler loads a stream whole for each command: decoding and folding a grant
of n events per command made one grant's commands O(n) each (measured: a grant of 1000
allocations served 7 allocations/s at 32 in flight). A stream only ever grows, so a state
folded at version v stays the true state at v: loading again reads only the events after v
(``read_stream(from_version=v + 1)``), usually none or the one this process just wrote.
Another process's appends are among them, so nothing is ever stale beyond what a load
reads; a version conflict reloads through here as well. States are frozen dataclasses, so
sharing one between commands is safe. Bounded: the least recently used grant goes first.

(A kit change would put this in shared.application.command_handler for every service.)
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from shared.application.command_handler import CommandHandler
from shared.application.decider import Decider
from shared.events.registry import EventRegistry
from shared.eventstore.base import EventStore

MAX_GRANTS = 256


class CachingCommandHandler(CommandHandler):
    def __init__(self, store: EventStore, registry: EventRegistry, decider: Decider,
                 max_streams: int = MAX_GRANTS) -> None:
        super().__init__(store, registry, decider)
        self._streams = store
        self._events = registry
        self._fold = decider
        self._max = max_streams
        self._folded: OrderedDict[str, tuple[Any, int, int]] = OrderedDict()  # stream -> (state, version, position)

    async def load(self, stream_id: str) -> tuple[Any, int, int]:
        state, version, position = self._folded.get(stream_id) or (self._fold.initial, 0, 0)
        for envelope in await self._streams.read_stream(stream_id, from_version=version + 1):
            state = self._fold.evolve(state, self._events.decode(envelope.type, envelope.schema_version,
                                                                  envelope.data))
            version, position = envelope.version, envelope.position
        if version:
            self._folded[stream_id] = (state, version, position)
            self._folded.move_to_end(stream_id)
            if len(self._folded) > self._max:
                self._folded.popitem(last=False)
        return state, version, position
