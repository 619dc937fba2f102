"""Wrap a grpc.aio method handler's behaviour, whatever its arity (unary or streaming).

grpc.aio server interceptors only see the handler, not the call, so to act *around* a
call (bind a context variable, turn an exception into a status) an interceptor must
return a new handler whose behaviour wraps the original one. This module does that once.
"""
from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import grpc

# Given the call's context, an async context manager entered for the whole call.
Around = Callable[[grpc.aio.ServicerContext], AbstractAsyncContextManager[None]]
Behavior = Callable[[Any, grpc.aio.ServicerContext], Any]


def _around_unary_response(behavior: Behavior, around: Around) -> Behavior:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        async with around(context):
            result = behavior(request, context)
            return await result if inspect.isawaitable(result) else result

    return wrapped


def _around_stream_response(behavior: Behavior, around: Around) -> Behavior:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        async with around(context):
            result = behavior(request, context)
            if inspect.isasyncgen(result):
                async for response in result:
                    yield response
            elif inspect.isawaitable(result):  # a coroutine that writes with context.write()
                await result
            else:  # a plain iterable
                for response in result:
                    yield response

    return wrapped


def wrap_handler(handler: grpc.RpcMethodHandler | None, around: Around) -> grpc.RpcMethodHandler | None:
    """A handler that runs the original behaviour inside ``around(context)``."""
    if handler is None:  # unknown method: let grpc answer UNIMPLEMENTED
        return None
    codecs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(_around_unary_response(handler.unary_unary, around), **codecs)
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(_around_unary_response(handler.stream_unary, around), **codecs)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(_around_stream_response(handler.unary_stream, around), **codecs)
    return grpc.stream_stream_rpc_method_handler(_around_stream_response(handler.stream_stream, around), **codecs)
