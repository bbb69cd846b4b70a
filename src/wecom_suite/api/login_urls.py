"""URLs a member's browser opens to sign in to a third-party app (身份验证), built and checked offline.

* In-app OAuth2 (网页授权), opened inside the WeCom client:
  https://developer.work.weixin.qq.com/document/path/91120
* Web login (企业微信Web登录) with ``login_type=ServiceApp``, for ordinary browsers (QR code or the
  desktop client): https://developer.work.weixin.qq.com/document/path/98171

Both redirect to ``redirect_uri?code=CODE&state=STATE``; the code is exchanged with
``service/auth/getuserinfo3rd`` (https://developer.work.weixin.qq.com/document/path/91121).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

__all__ = [
    "LOGIN_SCOPES",
    "OAUTH2_BASE_URL",
    "WEB_LOGIN_BASE_URL",
    "check_redirect_uri",
    "check_state",
    "oauth2_url",
    "web_login_url",
]

OAUTH2_BASE_URL = "https://open.weixin.qq.com"
WEB_LOGIN_BASE_URL = "https://login.work.weixin.qq.com"
LOGIN_SCOPES = ("snsapi_base", "snsapi_privateinfo")
_STATE_RE = re.compile(r"[A-Za-z0-9]{0,128}")
_LANGS = ("", "zh", "en")


def check_state(state: str) -> None:
    """Raise ``ValueError`` unless ``state`` is WeCom's ``[a-zA-Z0-9]``, at most 128 bytes (else 84025)."""
    if not _STATE_RE.fullmatch(state):
        problem = f"is {len(state.encode())} bytes long" if len(state.encode()) > 128 else "has characters outside it"
        raise ValueError(f"state must be [a-zA-Z0-9], at most 128 bytes; this one {problem}")


def check_redirect_uri(redirect_uri: str) -> None:
    """Raise ``ValueError`` unless ``redirect_uri`` is an absolute http(s) URL without a fragment.

    WeCom appends ``code``/``auth_code`` and ``state`` to its query; its host must also be the app's
    trusted domain (可信域名) in the provider console, which only WeCom can check.
    """
    if not redirect_uri:
        raise ValueError("redirect_uri is required")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"redirect_uri must be an absolute http(s) URL with a host, got {redirect_uri!r}")
    if parts.fragment or redirect_uri.endswith("#"):
        raise ValueError("redirect_uri must not have a #fragment: WeCom appends code and state to the query")


def _check_id(name: str, value: str) -> None:
    if not value or not re.fullmatch(r"[A-Za-z0-9_\-]{1,128}", value):
        raise ValueError(f"{name} must be a WeCom id (letters, digits, '-', '_'), got {value!r}")


def oauth2_url(
    suite_id: str, redirect_uri: str, state: str = "", *, scope: str = "snsapi_base", base_url: str = OAUTH2_BASE_URL
) -> str:
    """In-app OAuth2 for a third-party app: ``appid`` is the suite id, ``#wechat_redirect`` is required.

    ``scope``: ``snsapi_base`` (silent: corpid, userid, open_userid) or ``snsapi_privateinfo`` (the member
    consents; the code also yields a ``user_ticket`` for ``getuserdetail3rd``, avatar and QR code; needs
    the app's 成员敏感信息 permission). Raises ``ValueError`` naming the bad parameter.
    https://developer.work.weixin.qq.com/document/path/91120
    """
    _check_id("suite_id", suite_id)
    check_redirect_uri(redirect_uri)
    check_state(state)
    if scope not in LOGIN_SCOPES:
        raise ValueError(f"scope must be one of {', '.join(LOGIN_SCOPES)}, got {scope!r}")
    query = urlencode(
        {"appid": suite_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope, "state": state}
    )
    return f"{base_url.rstrip('/')}/connect/oauth2/authorize?{query}#wechat_redirect"


def web_login_url(
    suite_id: str, redirect_uri: str, state: str = "", *, lang: str = "", base_url: str = WEB_LOGIN_BASE_URL
) -> str:
    """Web login for a third-party app (``login_type=ServiceApp``): ``appid`` is the login suite id.

    The member scans a QR code with the WeCom app or confirms in the desktop client. ``lang``: ``zh``,
    ``en`` or empty (WeCom decides). Raises ``ValueError`` naming the bad parameter.
    https://developer.work.weixin.qq.com/document/path/98171
    """
    _check_id("suite_id", suite_id)
    check_redirect_uri(redirect_uri)
    check_state(state)
    if lang not in _LANGS:
        raise ValueError(f"lang must be 'zh', 'en' or empty, got {lang!r}")
    params = {"login_type": "ServiceApp", "appid": suite_id, "redirect_uri": redirect_uri, "state": state}
    if lang:
        params["lang"] = lang
    return f"{base_url.rstrip('/')}/wwlogin/sso/login?{urlencode(params)}"
