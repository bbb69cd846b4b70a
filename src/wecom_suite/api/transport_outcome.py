"""What came back from one send, as plain values the sans-I/O decision logic can judge.

Both shells catch httpx's exceptions and turn them into a :class:`TransportFailure` with
:func:`transport_failure`, so that "could the request have reached WeCom?" is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from ..redaction import redact_url

__all__ = ["HttpAnswer", "TransportFailure", "transport_failure"]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    content_type: str
    body: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class TransportFailure:
    """No HTTP answer. ``maybe_sent`` is False only when the request certainly never left (no
    connection could be made), which makes a resend safe even for one-time codes."""

    detail: str
    maybe_sent: bool


# Failures before any byte of the request was written: connecting, or waiting for a pooled connection.
_NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def transport_failure(exc: httpx.TransportError) -> TransportFailure:
    detail = redact_url(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    return TransportFailure(detail=detail, maybe_sent=not isinstance(exc, _NOT_SENT))
