"""The cohorts gRPC API: translation between protos and commands/queries only."""
