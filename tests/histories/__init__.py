"""Event histories of each service, generated from its own domain, for the read-model contract."""
