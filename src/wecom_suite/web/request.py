"""The framework-neutral HTTP request every web adapter converts to (slack_bolt's BoltRequest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

__all__ = ["WebRequest", "parse_query"]


def parse_query(query_string: str | bytes) -> dict[str, str]:
    """Decode a raw query string exactly once, keeping ``+`` as ``+``.

    WeCom's ``echostr`` and signatures are base64 and may contain ``+``; the usual form decoding
    (``+`` -> space) would corrupt them, so ``+`` is kept literally and only %-escapes are decoded.
    When a key repeats, the first value wins.
    """
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    out: dict[str, str] = {}
    for key, value in parse_qsl(query_string.replace("+", "%2B"), keep_blank_values=True):
        out.setdefault(key, value)
    return out


@dataclass(frozen=True, slots=True)
class WebRequest:
    """Method, path, decoded query, lower-cased headers and the raw body."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    remote_addr: str | None = None

    @classmethod
    def from_raw(
        cls,
        method: str,
        path: str,
        query_string: str | bytes = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        remote_addr: str | None = None,
    ) -> WebRequest:
        return cls(
            method=method.upper(),
            path=path,
            query=parse_query(query_string),
            headers={k.lower(): v for k, v in (headers or {}).items()},
            body=body,
            remote_addr=remote_addr,
        )
