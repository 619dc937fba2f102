"""bookings: the spaces of the halles civiques venue and their bookings by the collective's organisations."""
