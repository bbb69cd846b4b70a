"""The JS-SDK signature (``wx.config`` / ``wx.agentConfig``), computed server-side from a ticket."""

from __future__ import annotations

import hashlib

__all__ = ["jsapi_signature"]


def jsapi_signature(ticket: str, nonce_str: str, timestamp: int | str, url: str) -> str:
    """``sha1("jsapi_ticket=..&noncestr=..&timestamp=..&url=..")`` hex, keys in this order; ``url`` is the
    full page URL without its ``#fragment`` (removed here). A wrong signature is only reported by the
    browser (``config:invalid signature``), never by a server API, so build it in one place."""
    page = url.split("#", 1)[0]
    plain = f"jsapi_ticket={ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={page}"
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()  # noqa: S324 (WeCom's algorithm, not our choice)
