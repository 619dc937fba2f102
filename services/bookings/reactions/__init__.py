"""Bookings' reactions to other services' events (process managers)."""
