"""Turn a call builder (``SuiteCalls.get_pre_auth_code``) into a client method, sync or async.

This is how every endpoint is written exactly once: the builder lives in the sans-I/O layer, and
each shell gets a method whose body only runs the call. ``help()`` and ``inspect.signature`` on the
method show what the caller sees: the builder's parameters, the model it returns (not the
``ApiCall``), the errors it raises and the official page.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from .doc_links import ERRCODES_PAGE, official_page
from .endpoint_spec import ApiCall

__all__ = ["async_method", "result_type", "sync_method"]

P = ParamSpec("P")
T = TypeVar("T")
B = TypeVar("B")

_RAISES = (
    "Raises:\n"
    "    WeComError subclasses by errcode: InvalidCredential, AuthorizationRevoked, OneTimeCodeInvalid,\n"
    "    NotAllowed (IPNotWhitelisted), InvalidParameter, RateLimited, SystemBusy, TokenExpired;\n"
    "    WeComHTTPError, WeComUnreachable, MalformedResponse; RequestMayHaveReachedWeCom when a call that\n"
    "    spends a one-time code or changes state failed with its outcome unknown (never resent blindly)."
)


def result_type(builder: Callable[..., Any]) -> Any:
    """``T`` of the builder's ``ApiCall[T]`` return annotation (``Any`` if it cannot be resolved)."""
    try:
        hint = typing.get_type_hints(builder).get("return")
    except (NameError, TypeError):  # pragma: no cover - every builder's annotations resolve
        return Any
    if typing.get_origin(hint) is ApiCall:
        (inner,) = typing.get_args(hint)
        return inner
    return Any


def _describe(method: Callable[..., Any], builder: Callable[..., Any], *, awaited: bool) -> None:
    """Give ``method`` the signature and docstring a caller needs (see the module docstring)."""
    returns = result_type(builder)
    signature = inspect.signature(builder).replace(return_annotation=returns)
    method.__signature__ = signature  # type: ignore[attr-defined]
    method.__annotations__ = {**getattr(builder, "__annotations__", {}), "return": returns}
    name = getattr(returns, "__name__", str(returns))
    lines = [
        inspect.cleandoc(builder.__doc__ or ""),
        "",
        f"Returns: {'(awaited) ' if awaited else ''}{name}.",
        "",
        _RAISES,
        "",
        f"Official page: {official_page(builder.__name__)} (errcodes: {ERRCODES_PAGE}).",
    ]
    method.__doc__ = "\n".join(lines).strip()


def sync_method(builder: Callable[Concatenate[B, P], ApiCall[T]]) -> Callable[Concatenate[Any, P], T]:
    """``client.name(*args)`` == ``client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    _describe(method, builder, awaited=False)
    return method


def async_method(
    builder: Callable[Concatenate[B, P], ApiCall[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """``await client.name(*args)`` == ``await client._execute(builder(client._calls, *args))``."""

    @functools.wraps(builder)
    async def method(client: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await client._execute(builder(client._calls, *args, **kwargs))  # type: ignore[no-any-return]

    _describe(method, builder, awaited=True)
    return method
