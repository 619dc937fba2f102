"""`python -m shared.healthcheck HOST:PORT [SERVICE]`: exit 0 when the gRPC health check says SERVING.

Used by the compose healthchecks and the Dockerfile; needs nothing but grpcio-health-checking.
"""
from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def check(target: str, service: str = "", timeout: float = 2.0) -> bool:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m shared.healthcheck HOST:PORT [SERVICE]", file=sys.stderr)
        return 2
    healthy = check(args[0], args[1] if len(args) > 1 else "")
    print("SERVING" if healthy else "NOT SERVING")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
