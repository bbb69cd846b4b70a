"""What the client knows about one WeCom API: method, path, which token goes under which query
parameter, whether a retry is safe, and how to read the answer. Pure data, no I/O."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from ..redaction import redact_url

__all__ = ["ApiCall", "Endpoint", "HttpRequest", "RetrySafety", "TokenKind", "TokenRef", "builds", "endpoint_of"]

T_co = TypeVar("T_co", covariant=True)
Builder = TypeVar("Builder", bound=Callable[..., Any])


class TokenKind(str, Enum):
    """Which credential an API needs (凭证类型)."""

    NONE = "none"  # the token APIs themselves
    SUITE = "suite"  # suite_access_token (第三方应用凭证)
    PROVIDER = "provider"  # provider_access_token (服务商凭证)
    CORP = "corp"  # the authorising company's access_token (授权方企业凭证)

    @property
    def default_param(self) -> str:
        return _DEFAULT_PARAM[self]


_DEFAULT_PARAM = {
    TokenKind.NONE: "",
    TokenKind.SUITE: "suite_access_token",
    TokenKind.PROVIDER: "provider_access_token",
    TokenKind.CORP: "access_token",
}


class RetrySafety(str, Enum):
    """May the request be sent again after a failure that leaves its fate unknown?

    Token rejections (42009, ...) and rate limits (45009, 45033) are definite "not processed"
    answers, so they are retried for every kind. The kinds differ for ``-1``, HTTP 5xx and timeouts.
    """

    IDEMPOTENT = "idempotent"  # reads, token fetches: resend freely
    ONE_TIME = "one_time"  # spends a one-time code (auth_code, oauth code, ...): never resend blindly
    NOT_IDEMPOTENT = "not_idempotent"  # changes state (orders, settings): never resend blindly


@dataclass(frozen=True, slots=True)
class TokenRef:
    """Names one token: the suite's, the provider's, or one company's (``corp_id``)."""

    kind: TokenKind
    corp_id: str = ""


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[T_co]):
    """One WeCom HTTP API. ``parse`` turns the (successful) JSON answer into the result type."""

    name: str
    method: str
    path: str
    token: TokenKind
    parse: Callable[[dict[str, Any]], T_co]
    token_param: str = ""
    safety: RetrySafety = RetrySafety.IDEMPOTENT
    errcode_optional: bool = False  # get_suite_token / get_corp_token may omit errcode on success
    parse_binary: Callable[[bytes, str], T_co] | None = None  # non-JSON answers (a QR code PNG)
    page: str = ""  # the official page, https://developer.work.weixin.qq.com/document/path/NNNNN ("" if none)

    @property
    def token_query_param(self) -> str:
        return self.token_param or self.token.default_param


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """Bytes-level request the shells send: path relative to the base URL; token already in ``params``."""

    method: str
    path: str
    params: Mapping[str, str] = field(repr=False)
    content: bytes | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """``POST /cgi-bin/...?suite_access_token=61W3…(64)`` — safe to log."""
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        return redact_url(f"{self.method} {self.path}?{query}" if query else f"{self.method} {self.path}")

    def __repr__(self) -> str:
        return f"HttpRequest({self.describe()!r})"


_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class ApiCall(Generic[T_co]):
    """One concrete call of an :class:`Endpoint`: query parameters, JSON body, and whose token."""

    endpoint: Endpoint[T_co]
    params: Mapping[str, str] = field(default_factory=dict, repr=False)
    body: Mapping[str, Any] | None = field(default=None, repr=False)
    corp_id: str = ""  # for corp-token endpoints: which company

    @property
    def token_ref(self) -> TokenRef | None:
        if self.endpoint.token is TokenKind.NONE:
            return None
        return TokenRef(self.endpoint.token, self.corp_id if self.endpoint.token is TokenKind.CORP else "")

    def request(self, token: str | None) -> HttpRequest:
        """The bytes to send, with ``token`` under the endpoint's query-parameter name."""
        endpoint = self.endpoint
        params = dict(self.params)
        if token is not None:
            params[endpoint.token_query_param] = token
        if self.body is None:
            return HttpRequest(endpoint.method, endpoint.path, params)
        content = json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return HttpRequest(endpoint.method, endpoint.path, params, content, _JSON_HEADERS)

    def __repr__(self) -> str:
        return f"ApiCall({self.endpoint.name!r}, corp_id={self.corp_id!r})"


def builds(endpoint: Endpoint[Any] | None, *, page: str = "", about: str = "") -> Callable[[Builder], Builder]:
    """Mark a call builder with the endpoint its calls go to, and end its docstring with that endpoint's
    official page: so ``help()`` on the builder and on the client method made from it (which also lists
    the errors that kind of call raises) shows the one page the endpoint declares.

    ``endpoint`` None: a builder for any endpoint (``license_api``, ``get_json``); ``page`` then says which
    page to read instead, and ``about`` what that page is.
    """
    if endpoint is not None and page:
        raise ValueError("the page of an endpoint is its own; give the endpoint or the page, not both")
    shown = page or (endpoint.page if endpoint is not None else "")
    if not shown:
        shown = "none: a legacy API WeCom no longer documents (docs/protocol.md §3.10)"
    if about:
        shown = f"{shown} ({about})"

    def mark(builder: Builder) -> Builder:
        builder.__doc__ = f"{inspect.cleandoc(builder.__doc__ or '')}\n\nOfficial page: {shown}"
        builder.__dict__["wecom_endpoint"] = endpoint
        return builder

    return mark


def endpoint_of(builder: Callable[..., Any]) -> Endpoint[Any] | None:
    """The endpoint :func:`builds` recorded for ``builder`` (None for a builder of any endpoint)."""
    if "wecom_endpoint" not in getattr(builder, "__dict__", {}):
        raise LookupError(f"{getattr(builder, '__qualname__', builder)!r} is not marked with @builds(...)")
    endpoint: Endpoint[Any] | None = builder.__dict__["wecom_endpoint"]
    return endpoint
