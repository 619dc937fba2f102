"""The one server interceptor: around every call, bind its correlation id and turn whatever
the servicer raises into a proper status (shared.grpc.errors).

grpc.aio interceptors only see the handler, not the call, so acting *around* a call means
returning a new handler whose behaviour wraps the original one. grpc.aio asks the
interceptor for a handler on every call; the wrapped handler depends only on the method, so
it is built once per method and cached. One interceptor and plain try/finally (rather than
two interceptors and two async context managers) keeps the per-call cost small: it was ~27%
of a no-op call's throughput.

Commands (shared.grpc.admission.is_command) are also counted in and out of the process's
Admission, which refuses one past its bound before anything else runs.
"""
from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import structlog

from shared.grpc.admission import Admission, is_command
from shared.grpc.correlation import CORRELATION_ID_KEY, _correlation_id, correlation_id_from_metadata
from shared.grpc.errors import abort_with_exception

Behavior = Callable[[Any, grpc.aio.ServicerContext], Any]
_bind_log_context = structlog.contextvars.bind_contextvars
_reset_log_context = structlog.contextvars.reset_contextvars


def _enter(context: grpc.aio.ServicerContext) -> tuple[Any, dict[str, Any]]:
    correlation_id = correlation_id_from_metadata(context.invocation_metadata())
    # Set before the call runs; abort_with_exception keeps it when it aborts with details.
    context.set_trailing_metadata(((CORRELATION_ID_KEY, correlation_id),))
    return _correlation_id.set(correlation_id), _bind_log_context(correlation_id=correlation_id)


def _exit(tokens: tuple[Any, dict[str, Any]]) -> None:
    _reset_log_context(**tokens[1])
    _correlation_id.reset(tokens[0])


def _around_unary_response(behavior: Behavior) -> Behavior:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        tokens = _enter(context)
        try:
            result = behavior(request, context)
            return await result if inspect.isawaitable(result) else result
        except grpc.aio.AbortError:
            raise  # the servicer chose its own status
        except Exception as exc:  # noqa: BLE001 - every failure must become a proper status
            await abort_with_exception(context, exc)
        finally:
            _exit(tokens)

    return wrapped


def _admitted(behavior: Behavior, admission: Admission) -> Behavior:
    """``behavior`` (already wrapped) counted in flight; refused at once past the bound."""

    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if not admission.admits():
            await admission.refuse(context)
        admission.in_flight += 1
        try:
            return await behavior(request, context)
        finally:
            admission.in_flight -= 1

    return wrapped


def _around_stream_response(behavior: Behavior) -> Behavior:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        tokens = _enter(context)
        try:
            result = behavior(request, context)
            if inspect.isasyncgen(result):
                async for response in result:
                    yield response
            elif inspect.isawaitable(result):  # a coroutine that writes with context.write()
                await result
            else:  # a plain iterable
                for response in result:
                    yield response
        except grpc.aio.AbortError:
            raise
        except Exception as exc:  # noqa: BLE001
            await abort_with_exception(context, exc)
        finally:
            _exit(tokens)

    return wrapped


def wrap_handler(handler: grpc.RpcMethodHandler | None,
                 admission: Admission | None = None) -> grpc.RpcMethodHandler | None:
    """A handler that runs the original behaviour with a correlation id and error statuses
    (and, for a command, under ``admission``)."""
    if handler is None:  # unknown method: let grpc answer UNIMPLEMENTED
        return None
    codecs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        behavior = _around_unary_response(handler.unary_unary)
        if admission is not None and admission.bounded and is_command(handler):
            behavior = _admitted(behavior, admission)
        return grpc.unary_unary_rpc_method_handler(behavior, **codecs)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(_around_unary_response(handler.stream_unary), **codecs)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(_around_stream_response(handler.unary_stream), **codecs)
    return grpc.stream_stream_rpc_method_handler(_around_stream_response(handler.stream_stream), **codecs)


class CallInterceptor(grpc.aio.ServerInterceptor):
    """Correlation id + error statuses around every servicer method.

    The wrapped handler of each method is made once and cached: the continuation only looks
    the method up (no other interceptor follows this one).
    """

    def __init__(self, admission: Admission | None = None) -> None:
        self.admission = admission
        self._cache: dict[str, grpc.RpcMethodHandler | None] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        try:
            return self._cache[method]
        except KeyError:
            handler = wrap_handler(await continuation(handler_call_details), self.admission)
            if handler is not None:  # don't let unknown method names grow the cache
                self._cache[method] = handler
            return handler
