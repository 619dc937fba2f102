"""The membership gRPC API: translation between protos and commands/queries only."""
