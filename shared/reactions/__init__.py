"""Reactions (process managers): another service's events -> this service's commands, once."""
from shared.reactions.reaction import Executor, Reaction, ReactionContext

__all__ = ["Executor", "Reaction", "ReactionContext"]
