"""Events: versioned pydantic models, their envelope, registry, upcasters and Kafka codec."""
