"""Pure building blocks shared by every service's domain layer (stdlib + pydantic only)."""
