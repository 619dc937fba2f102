"""Maps stable type names to event models, and upcasts old schema versions on read."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import ValidationError

from shared.events.base import DomainEvent

E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    pass


class EventDecodeError(ValueError):
    """The stored/published payload does not fit its model, even after upcasting."""


class EventRegistry:
    def __init__(self, models: Iterable[type[DomainEvent]] = ()) -> None:
        self._models: dict[str, type[DomainEvent]] = {}
        # (type, from_version) -> function producing the from_version + 1 payload
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        for model in models:
            self.register(model)

    def register(self, model: E) -> E:
        name = model.event_type
        if name in self._models and self._models[name] is not model:
            raise ValueError(f"event type {name!r} registered twice")
        self._models[name] = model
        return model

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def decorator(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return decorator

    def __contains__(self, event_type: str) -> bool:
        return event_type in self._models

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._models)

    def model_for(self, event_type: str) -> type[DomainEvent]:
        try:
            return self._models[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def upcast(self, event_type: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
        current = self.model_for(event_type).schema_version
        if schema_version > current:
            raise EventDecodeError(
                f"{event_type} v{schema_version} is newer than this reader's v{current}"
            )
        for version in range(schema_version, current):
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise EventDecodeError(f"no upcaster for {event_type} v{version} -> v{version + 1}")
            data = step(data)
        return data

    def decode(self, event_type: str, schema_version: int, data: dict[str, Any]) -> DomainEvent:
        model = self.model_for(event_type)
        try:
            return model.model_validate(self.upcast(event_type, schema_version, data))
        except ValidationError as exc:
            raise EventDecodeError(f"{event_type} v{schema_version}: {exc}") from exc

    @staticmethod
    def encode(event: DomainEvent) -> tuple[str, int, dict[str, Any]]:
        return event.event_type, event.schema_version, event.model_dump(mode="json")
