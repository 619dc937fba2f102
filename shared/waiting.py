"""Waiting on an asyncio.Event with a timeout, safely under cancellation.

Python 3.11's ``asyncio.wait_for`` can lose a cancellation that lands while its timeout
fires (the relay's stop hung that way, seen under load); ``asyncio.timeout`` cannot.
"""
from __future__ import annotations

import asyncio


async def event_set_within(event: asyncio.Event, seconds: float) -> bool:
    """True if ``event`` was set within ``seconds``; False on timeout."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
        return True
    except TimeoutError:
        return False
