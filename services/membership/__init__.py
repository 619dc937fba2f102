"""membership: who belongs to the association and to the halles-civiques collective."""
