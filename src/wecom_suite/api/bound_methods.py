"""Turn a call builder (``SuiteCalls.get_pre_auth_code``) into a client method, sync or async.

This is how every endpoint is written exactly once: the builder lives in the sans-I/O layer, and
each shell gets a method with the builder's signature and docstring whose body only runs the call.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar, get_args

from .endpoint import ApiCall

__all__ = ["answer_annotation", "async_method", "sync_method"]

P = ParamSpec("P")
T = TypeVar("T")
B = TypeVar("B")


def answer_annotation(builder: Callable[..., Any]) -> dict[str, Any]:
    """The builder's annotations with ``return`` naming the model the call answers with
    (``"ApiCall[AdminList]"`` -> ``"AdminList"``), so ``help(client.get_admin_list)`` shows the model."""
    annotations = dict(getattr(builder, "__annotations__", {}))
    returned = annotations.get("return")
    if isinstance(returned, str) and returned.startswith("ApiCall[") and returned.endswith("]"):
        annotations["return"] = returned[len("ApiCall["):-1]
    elif getattr(returned, "__origin__", None) is ApiCall:
        annotations["return"] = get_args(returned)[0]
    return annotations


def _show_answer(method: Callable[..., Any], builder: Callable[..., Any]) -> None:
    annotations = answer_annotation(builder)
    method.__annotations__ = annotations
    signature = inspect.signature(builder).replace(return_annotation=annotations.get("return", inspect.Signature.empty))
    method.__signature__ = signature  # type: ignore[attr-defined]


def sync_method(builder: Callable[Concatenate[B, P], ApiCall[T]]) -> Callable[Concatenate[Any, P], T]:
    """``client.name(*args)`` == ``client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    _show_answer(method, builder)
    return method


def async_method(
    builder: Callable[Concatenate[B, P], ApiCall[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """``await client.name(*args)`` == ``await client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    async def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    _show_answer(method, builder)
    return method
