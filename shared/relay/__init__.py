"""The relay: publishes a service's stored events, in position order, to its Kafka topic."""
from shared.relay.relay import Relay, events_topic

__all__ = ["Relay", "events_topic"]
