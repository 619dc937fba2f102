"""Bookings application layer: commands (facts -> load -> decide -> append) and read-model queries."""
