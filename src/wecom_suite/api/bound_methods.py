"""Turn a call builder (``SuiteCalls.get_pre_auth_code``) into a client method, sync or async.

This is how every endpoint is written exactly once: the builder lives in the sans-I/O layer, and
each shell gets a method whose body only runs the call. ``help()`` and ``inspect.signature`` on the
method show what the caller sees: the builder's parameters, the model it returns (not the
``ApiCall``), the errors that endpoint's kind of call raises and its one official page.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from .endpoint_spec import ApiCall, Endpoint, RetrySafety, TokenKind, endpoint_of

__all__ = ["async_method", "raises", "result_type", "sync_method"]

P = ParamSpec("P")
T = TypeVar("T")
B = TypeVar("B")

# What the call flow raises (api/decision.py), by what it knows of the endpoint: its token and its retry safety.
_ANSWERS = ("InvalidParameter, NotAllowed (IPNotWhitelisted), RateLimited, WeComError (any other errcode); "
            "WeComHTTPError, MalformedResponse")
_BY_TOKEN = {
    TokenKind.NONE: "InvalidCredential (a wrong id, secret, suite_ticket or permanent code)",
    TokenKind.SUITE: ("TokenExpired (the suite_access_token was refused after one renewal), InvalidCredential; "
                      "TicketNotFound / TicketExpired (no fresh suite_ticket to fetch a suite_access_token with)"),
    TokenKind.PROVIDER: ("TokenExpired (the provider_access_token was refused after one renewal), InvalidCredential; "
                         "ConfigError (no provider_corp_id / provider_secret configured)"),
    TokenKind.CORP: ("TokenExpired (the company's access_token was refused after one renewal); CompanyNotFound "
                     "(not installed, or revoked), AuthorizationRevoked (its permanent code stopped working); "
                     "TicketNotFound / TicketExpired (its token is fetched with the suite_access_token)"),
}
_BY_SAFETY = {
    RetrySafety.IDEMPOTENT: "SystemBusy (-1 / 6000 on every retry), WeComUnreachable (no answer on every retry)",
    RetrySafety.ONE_TIME: ("OneTimeCodeInvalid (the code was used or has expired); WeComUnreachable (not sent); "
                           "RequestMayHaveReachedWeCom (the outcome is unknown and the code may be spent: never "
                           "resent blindly)"),
    RetrySafety.NOT_IDEMPOTENT: ("WeComUnreachable (not sent); RequestMayHaveReachedWeCom (the outcome is unknown "
                                 "and the change may have been applied: never resent blindly)"),
}
_ANY_ENDPOINT = "; ".join((
    _ANSWERS,
    "TokenExpired, InvalidCredential, and what fetching the token raises (TicketNotFound / TicketExpired, "
    "CompanyNotFound, ConfigError)",
    "SystemBusy, WeComUnreachable; RequestMayHaveReachedWeCom when a call that is not idempotent may have "
    "reached WeCom (never resent blindly)",
))


def raises(endpoint: Endpoint[Any] | None) -> str:
    """The "Raises:" text of a client method calling ``endpoint`` (None: any endpoint, every error)."""
    if endpoint is None:
        kinds = _ANY_ENDPOINT
    else:
        kinds = "; ".join((_ANSWERS, _BY_TOKEN[endpoint.token], _BY_SAFETY[endpoint.safety]))
    return "Raises:\n    " + kinds.replace("; ", ";\n    ") + "."


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
        inspect.cleandoc(builder.__doc__ or ""),  # ends with the endpoint's official page (endpoint_spec.builds)
        "",
        f"Returns: {'(awaited) ' if awaited else ''}{name}.",
        "",
        raises(endpoint_of(builder)),
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
