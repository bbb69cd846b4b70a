"""Turn a call builder (``SuiteCalls.get_pre_auth_code``) into a client method, sync or async.

This is how every endpoint is written exactly once: the builder lives in the sans-I/O layer, and
each shell gets a method with the builder's signature and docstring whose body only runs the call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from .endpoint import ApiCall

__all__ = ["async_method", "sync_method"]

P = ParamSpec("P")
T = TypeVar("T")
B = TypeVar("B")


def sync_method(builder: Callable[Concatenate[B, P], ApiCall[T]]) -> Callable[Concatenate[Any, P], T]:
    """``client.name(*args)`` == ``client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    return method


def async_method(
    builder: Callable[Concatenate[B, P], ApiCall[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """``await client.name(*args)`` == ``await client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    async def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    return method
