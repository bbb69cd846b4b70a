"""URLs a user's browser opens to install the suite (授权安装): the modern install page and the
seed's legacy 企业号 login page (``AuthCodeURL``)."""

from __future__ import annotations

from urllib.parse import urlencode

__all__ = ["INSTALL_BASE_URL", "LEGACY_INSTALL_URL", "install_url", "legacy_auth_code_url"]

INSTALL_BASE_URL = "https://open.work.weixin.qq.com"
LEGACY_INSTALL_URL = "https://qy.weixin.qq.com/cgi-bin/loginpage"


def _query(suite_id: str, pre_auth_code: str, redirect_uri: str, state: str) -> str:
    if not suite_id or not pre_auth_code or not redirect_uri:
        raise ValueError("suite_id, pre_auth_code and redirect_uri are required")
    if len(state.encode()) > 128 or not (state.isascii() and (state == "" or state.isalnum())):
        raise ValueError("state must be [a-zA-Z0-9], at most 128 bytes (WeCom rejects anything else: 84025)")
    return urlencode(
        {"suite_id": suite_id, "pre_auth_code": pre_auth_code, "redirect_uri": redirect_uri, "state": state}
    )


def install_url(
    suite_id: str, pre_auth_code: str, redirect_uri: str, state: str = "", *, base_url: str = INSTALL_BASE_URL
) -> str:
    """``https://open.work.weixin.qq.com/3rdapp/install?suite_id=..&pre_auth_code=..&redirect_uri=..&state=..``.

    WeCom then redirects to ``redirect_uri?auth_code=..&expires_in=600&state=..``. The page must be
    reached through a link on a page of the install-callback domain (WeCom checks the Referer).
    """
    return f"{base_url.rstrip('/')}/3rdapp/install?{_query(suite_id, pre_auth_code, redirect_uri, state)}"


def legacy_auth_code_url(
    suite_id: str, pre_auth_code: str, redirect_uri: str, state: str = "", *, base_url: str = LEGACY_INSTALL_URL
) -> str:
    """The seed's ``AuthCodeURL``: the legacy 企业号 install page ``qy.weixin.qq.com/cgi-bin/loginpage``."""
    return f"{base_url}?{_query(suite_id, pre_auth_code, redirect_uri, state)}"
