"""The official page of each client method, shown by ``help()`` (checked by hand against the WeCom docs)."""

from __future__ import annotations

__all__ = ["ERRCODES_PAGE", "OFFICIAL_PAGES", "official_page"]

_BASE = "https://developer.work.weixin.qq.com/document/path/"
ERRCODES_PAGE = _BASE + "90455"

OFFICIAL_PAGES: dict[str, str] = {
    "get_provider_token": _BASE + "90593",
    "get_suite_token": _BASE + "97162",  # the 代开发 page of the same API; it says so
    "get_corp_token": _BASE + "90605",
    "get_pre_auth_code": _BASE + "90601",
    "set_session_info": _BASE + "90602",
    "get_permanent_code": _BASE + "90603",
    "get_permanent_code_v2": _BASE + "100776",
    "get_auth_info": _BASE + "91912",
    "get_auth_info_v2": _BASE + "100795",
}


def official_page(method: str) -> str:
    """The official page for ``method``; the API overview of docs/protocol.md §3 when none is recorded."""
    return OFFICIAL_PAGES.get(method, "docs/protocol.md §3 (links the official pages)")
