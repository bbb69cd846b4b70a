"""URLs a user's browser opens to install the suite (授权安装): the modern install page and the
seed's legacy 企业号 login page (``AuthCodeURL``).

Installing from the provider's own site (从服务商网站发起):
https://developer.work.weixin.qq.com/document/path/90597. The sign-in URLs are in :mod:`.login_urls`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from .login_urls import check_redirect_uri, check_state

__all__ = ["INSTALL_BASE_URL", "LEGACY_INSTALL_URL", "install_url", "legacy_auth_code_url"]

INSTALL_BASE_URL = "https://open.work.weixin.qq.com"
LEGACY_INSTALL_URL = "https://qy.weixin.qq.com/cgi-bin/loginpage"


def _query(suite_id: str, pre_auth_code: str, redirect_uri: str, state: str) -> str:
    if not suite_id or not pre_auth_code or not redirect_uri:
        raise ValueError("suite_id, pre_auth_code and redirect_uri are required")
    check_redirect_uri(redirect_uri)
    check_state(state)  # WeCom rejects anything else (84025)
    return urlencode(
        {"suite_id": suite_id, "pre_auth_code": pre_auth_code, "redirect_uri": redirect_uri, "state": state}
    )


def install_url(
    suite_id: str, pre_auth_code: str, redirect_uri: str, state: str = "", *, base_url: str = INSTALL_BASE_URL
) -> str:
    """``https://open.work.weixin.qq.com/3rdapp/install?suite_id=..&pre_auth_code=..&redirect_uri=..&state=..``.

    WeCom then redirects to ``redirect_uri?auth_code=..&expires_in=600&state=..``. The page must be
    reached through a link on a page of the install-callback domain (WeCom checks the Referer).
    Raises ``ValueError`` naming the bad parameter (state ``[a-zA-Z0-9]`` at most 128 bytes, an
    absolute http(s) redirect_uri without a fragment).
    https://developer.work.weixin.qq.com/document/path/90597
    """
    return f"{base_url.rstrip('/')}/3rdapp/install?{_query(suite_id, pre_auth_code, redirect_uri, state)}"


def legacy_auth_code_url(
    suite_id: str, pre_auth_code: str, redirect_uri: str, state: str = "", *, base_url: str = LEGACY_INSTALL_URL
) -> str:
    """The seed's ``AuthCodeURL``: the legacy 企业号 install page ``qy.weixin.qq.com/cgi-bin/loginpage``.

    Same parameters and checks as :func:`install_url`.
    """
    return f"{base_url}?{_query(suite_id, pre_auth_code, redirect_uri, state)}"
