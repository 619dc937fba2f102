"""Honouring a consistency token: which checkpoints must reach which positions first.

A token names positions in topics (shared.application.consistency). For each of them:

- **a query** on read model R waits until R has applied the position, when R reads that
  topic; when R does not but one of the service's reactions does, it waits until the
  reaction has handled the position and then until R has applied the reaction's effects on
  this service's own topic (the reaction's watermark). So a client that made membership
  admit then remove a member, passing LeaveMember's token to a cohorts query, sees the cohort
  the removal put on hold;
- **a command** waits until every local view of the topic has applied the position, before
  it reads those views to decide (cohorts opening a cohort for a member admitted a moment ago).

Positions in topics nothing here consumes are not waited for (they are carried along in
reply tokens). All the waits of one call share one bound; past it: Unavailable (retry).
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from shared.projections.waiter import PositionWaiter


class TokenWaits:
    """``read_models`` / ``reactions``: name -> the topics it consumes; ``waiters``: name -> its
    checkpoint waiter (filled as the process starts them); ``timeout``: seconds per call."""

    def __init__(self, own_topic: str, read_models: Mapping[str, Sequence[str]],
                 reactions: Mapping[str, Sequence[str]], waiters: Mapping[str, PositionWaiter],
                 timeout: float) -> None:
        self.own_topic = own_topic
        self.read_models = read_models
        self.reactions = reactions
        self.waiters = waiters
        self.timeout = timeout

    async def for_query(self, read_model: str, positions: Mapping[str, int]) -> None:
        """Until ``read_model`` reflects every position of ``positions`` it can be affected by."""
        if not positions:
            return
        deadline = _deadline(self.timeout)
        sources = self.read_models[read_model]
        for topic, position in positions.items():
            if topic in sources:
                await self._wait(read_model, topic, position, deadline)
                continue
            for reaction, topics in self.reactions.items():
                if topic in topics and self.own_topic in sources:
                    await self._wait(reaction, topic, position, deadline)
                    effects = self.waiters[reaction].position(self.own_topic)
                    await self._wait(read_model, self.own_topic, effects, deadline)

    async def for_command(self, positions: Mapping[str, int]) -> None:
        """Until every local view of another service's topic holds what ``positions`` name."""
        if not positions:
            return
        deadline = _deadline(self.timeout)
        for topic, position in positions.items():
            if topic == self.own_topic:
                continue  # a command decides on the store, never on its own read models
            for view, sources in self.read_models.items():
                if topic in sources:
                    await self._wait(view, topic, position, deadline)

    async def _wait(self, consumer: str, topic: str, position: int, deadline: float) -> None:
        if position <= 0:
            return
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        await self.waiters[consumer].wait_for(topic, position, remaining)


def _deadline(timeout: float) -> float:
    return asyncio.get_running_loop().time() + timeout
