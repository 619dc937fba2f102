"""The event store: an interface, a Postgres implementation and an in-memory one."""
