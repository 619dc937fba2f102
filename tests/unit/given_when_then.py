"""Given events / when command / then events (or error): the shape of every decider test.

    scenario = Scenario(initial, evolve, decide)
    scenario.given(admitted).when(SuspendMember(...)).then(MemberSuspended(...))
    scenario.given().when(SuspendMember(...)).raises(NotFound)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pytest

S = TypeVar("S")


@dataclass(frozen=True)
class Scenario(Generic[S]):
    initial: S
    evolve: Callable[[S, Any], S]
    decide: Callable[[S, Any], Sequence[Any]]

    def given(self, *events: Any) -> Given[S]:
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return Given(self, state)


@dataclass(frozen=True)
class Given(Generic[S]):
    scenario: Scenario[S]
    state: S

    def when(self, command: Any) -> When[S]:
        return When(self, command)


@dataclass(frozen=True)
class When(Generic[S]):
    given: Given[S]
    command: Any

    def then(self, *expected: Any) -> S:
        """Asserts the exact events emitted (none: ``.then()``); returns the new state."""
        emitted = list(self.given.scenario.decide(self.given.state, self.command))
        assert emitted == list(expected)
        state = self.given.state
        for event in emitted:
            state = self.given.scenario.evolve(state, event)
        return state

    def raises(self, error: type[BaseException], match: str | None = None) -> BaseException:
        with pytest.raises(error, match=match) as caught:
            self.given.scenario.decide(self.given.state, self.command)
        return caught.value
