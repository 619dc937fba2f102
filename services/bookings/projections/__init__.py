"""Bookings read models: the venue (from lab27.bookings.events) and the local view of the
halles-civiques collective (from lab27.membership.events)."""
