"""Member sign-in (身份验证) for the provider's site: in-app OAuth2 or web QR login, then a hand-off.

``GET {prefix}/login[?return_to=URL]`` sends the browser to WeCom: inside the WeCom client (its user
agent says ``wxwork``) to in-app OAuth2 (网页授权, https://developer.work.weixin.qq.com/document/path/91120),
elsewhere to web login (企业微信Web登录, ``login_type=ServiceApp``,
https://developer.work.weixin.qq.com/document/path/98171), or always one of them (``login_mode``).
The CSRF state is bound to the browser (:mod:`.browser_state`).

``GET {prefix}/login/callback?code=…&state=…`` checks state and cookie, exchanges the code with
``service/auth/getuserinfo3rd`` (https://developer.work.weixin.qq.com/document/path/91121) and, when
``snsapi_privateinfo`` yielded a ``user_ticket``, ``service/auth/getuserdetail3rd``
(https://developer.work.weixin.qq.com/document/path/91122). The result goes to the provider's
``@suite.on_login`` handler, whose response is sent; without one, the browser is redirected to
``return_to`` or ``login_redirect_url`` with a signed, single-use hand-off token (:mod:`.handoff`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from ..api.login_urls import OAUTH2_BASE_URL, WEB_LOGIN_BASE_URL, oauth2_url, web_login_url
from ..errors import OneTimeCodeInvalid, WeComSuiteError
from ..redaction import redact_url
from ..web.request import WebRequest
from ..web.response import WebResponse
from .browser_state import BrowserStates, refusal, state_fingerprint
from .config import SuiteConfig
from .handoff import HANDOFF_PARAM, Handoffs
from .install_flow import failure_page, public_base_url, with_query
from .pages import error_page, signed_in_page
from .paths import INSTALL_PATH, LOGIN_CALLBACK_PATH, LOGIN_PATH

__all__ = ["LoginApi", "LoginFlow", "LoginHandler", "SignIn", "choose_login_mode", "return_url_allowed"]

logger = logging.getLogger("wecom_suite.login")

LOGIN_STATE_LIFETIME = 600.0  # seconds: a QR page may stay open a while; WeCom's code itself lives 5 minutes


@dataclass(frozen=True, slots=True)
class SignIn:
    """Who signed in: a member (``userid``, and ``open_userid``, the same across the provider's apps) of
    the installed company ``corp_id``.

    ``mode`` is ``"oauth2"`` (inside WeCom) or ``"web"`` (QR / desktop login). ``detail`` is the
    ``getuserdetail3rd`` answer (gender, avatar, qr_code; ``name`` is the userid for third-party apps)
    when the member granted ``snsapi_privateinfo``, else None. ``return_to`` is the checked page the
    sign-in was started for, or None.
    """

    suite_id: str
    corp_id: str
    userid: str
    open_userid: str
    mode: str
    return_to: str | None = None
    detail: Any = None  # UserDetail3rd | None (pydantic model; typed loosely to keep this module light)


LoginHandler = Callable[[SignIn], "WebResponse | None"]


class LoginApi(Protocol):
    def get_user_info_3rd(self, code: str) -> Any: ...

    def get_user_detail_3rd(self, user_ticket: str) -> Any: ...


def choose_login_mode(configured: str, user_agent: str) -> str:
    """``oauth2`` inside the WeCom client (user agent contains ``wxwork``), else ``web``; unless configured."""
    if configured in ("oauth2", "web"):
        return configured
    return "oauth2" if "wxwork" in user_agent.lower() else "web"


def return_url_allowed(url: str, allowed: list[str]) -> bool:
    """Whether ``url`` lies under one of the ``allowed`` URL prefixes (same scheme and host[:port], and a
    path below the prefix's path at a ``/`` boundary). Anything odd (userinfo, backslashes, control
    characters, relative or scheme-relative URLs, dot segments such as ``..`` or ``%2e%2e`` and encoded
    slashes, which a browser resolves to a path outside the prefix) is refused: the open-redirect guard."""
    if not url or any(c in url for c in "\\\r\n\t ") or not url.isascii():
        return False
    parts = urlsplit(url)
    decoded = unquote(parts.path)
    if "%2f" in parts.path.lower() or "%5c" in parts.path.lower() or any(
        segment in (".", "..") for segment in decoded.split("/")
    ):
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return False
    for prefix in allowed:
        p = urlsplit(prefix)
        if (p.scheme, p.netloc.lower()) != (parts.scheme, parts.netloc.lower()):
            continue
        base = p.path or "/"
        if parts.path == base.rstrip("/") or parts.path.startswith(base if base.endswith("/") else base + "/"):
            return True
        if base == "/" and parts.path == "":
            return True
    return False


class LoginFlow:
    """The two sign-in endpoints of one suite; the handler is set by ``SuiteApp.on_login``."""

    def __init__(
        self,
        config: SuiteConfig,
        states: BrowserStates,
        handoffs: Handoffs,
        api: LoginApi,
        is_installed: Callable[[str], bool],
    ) -> None:
        self._config = config
        self._states = states
        self._handoffs = handoffs
        self._api = api
        self._is_installed = is_installed
        self.handler: LoginHandler | None = None

    def set_handler(self, handler: LoginHandler) -> None:
        """Use ``handler`` for every sign-in; it is called synchronously (in the web server's thread pool)."""
        if inspect.iscoroutinefunction(handler):
            raise TypeError(
                "an on_login handler must be a plain function (it runs in the server's thread pool), not async def"
            )
        self.handler = handler

    def _allowed_returns(self) -> list[str]:
        allowed = self._config.allowed_return_urls.replace(",", " ").split()
        return [*allowed, self._config.login_redirect_url] if self._config.login_redirect_url else allowed

    def begin(self, request: WebRequest) -> WebResponse:
        """GET {prefix}/login: a redirect to WeCom's sign-in page, setting the state cookie."""
        return_to = request.query.get("return_to", "")
        if return_to and not return_url_allowed(return_to, self._allowed_returns()):
            logger.warning(
                "suite %s: sign-in refused: return_to %s is not allowed", self._config.name, redact_url(return_to[:200])
            )
            return error_page(
                "This return address is not allowed",
                "The sign-in link asks to return to a page that is not on this provider's list.",
                hint="Ask the provider to add it to allowed_return_urls (WECOM_ALLOWED_RETURN_URLS).",
                show_title=True,
            )
        mode = choose_login_mode(self._config.login_mode, request.headers.get("user-agent", ""))
        base = public_base_url(self._config, request)
        state, cookie = self._states.issue(
            request.headers,
            "login",
            lifetime=LOGIN_STATE_LIFETIME,
            secure=base.startswith("https://"),
            extra={"m": mode, "r": return_to},
        )
        redirect_uri = f"{base}{self._config.url_prefix}{LOGIN_CALLBACK_PATH}"
        if mode == "oauth2":
            url = oauth2_url(
                self._config.suite_id,
                redirect_uri,
                state,
                scope=self._config.login_scope,
                base_url=self._config.login_base_url or OAUTH2_BASE_URL,
            )
        else:
            url = web_login_url(
                self._config.suite_id, redirect_uri, state, base_url=self._config.login_base_url or WEB_LOGIN_BASE_URL
            )
        response = WebResponse.redirect(url)
        response.headers["set-cookie"] = cookie
        response.headers["cache-control"] = "no-store"
        return response

    def complete(self, request: WebRequest) -> WebResponse:
        """GET {prefix}/login/callback?code=…&state=…: who signed in, handed to the provider."""
        name = self._config.name
        start_again = f"Please sign in again from {self._config.url_prefix}{LOGIN_PATH}."
        code, state = request.query.get("code", ""), request.query.get("state", "")
        if not code:
            return error_page(
                "The sign-in did not complete",
                "WeCom sent no code: the sign-in was cancelled or refused.",
                hint=start_again,
            )
        secure = public_base_url(self._config, request).startswith("https://")
        check = self._states.check(request.headers, "login", state, secure=secure)
        if not check.ok:
            logger.warning(
                "suite %s: sign-in callback refused: %s (state %s)", name, check.outcome.value, state_fingerprint(state)
            )
            title, detail = refusal(check.outcome, "sign-in", lifetime=LOGIN_STATE_LIFETIME)
            return error_page(title, detail, hint=start_again, show_title=True)
        mode, return_to = str(check.extra.get("m", "")), str(check.extra.get("r", "")) or None
        try:
            info = self._api.get_user_info_3rd(code)
        except OneTimeCodeInvalid:
            logger.warning("suite %s: sign-in code refused by WeCom (used or expired)", name)
            return error_page(
                "This sign-in link has expired or was already used",
                "WeCom's sign-in code is used or older than 5 minutes.",
                hint=start_again,
                show_title=True,
            )
        except WeComSuiteError as exc:
            logger.warning("suite %s: sign-in code exchange failed: %s", name, exc)
            return failure_page("The sign-in could not be completed", exc, status=502)
        if not info.is_member:
            logger.info("suite %s: sign-in refused: a WeChat user who is no company's member", name)
            return error_page(
                "Only members of a company can sign in",
                "This WeCom account is not a member of any company.",
                status=403,
                show_title=True,
            )
        if not self._is_installed(info.corp_id):
            logger.info("suite %s: sign-in refused: %s has not installed the app", name, info.corp_id)
            return error_page(
                "Your company has not installed this app",
                f"Company {info.corp_id} has not installed {name}, or has removed it.",
                hint=f"An administrator can install it from {self._config.url_prefix}{INSTALL_PATH}.",
                status=403,
                show_title=True,
            )
        member_detail = None
        if info.user_ticket:
            try:
                member_detail = self._api.get_user_detail_3rd(info.user_ticket)
            except WeComSuiteError as exc:  # the sign-in itself stands; only the details are missing
                logger.warning("suite %s: member details (getuserdetail3rd) unavailable: %s", name, exc)
        signed_in = SignIn(
            self._config.suite_id, info.corp_id, info.user_id, info.open_userid, mode, return_to, member_detail
        )
        logger.info("suite %s: %s signed in at %s (%s)", name, info.user_id, info.corp_id, mode)
        if self.handler is not None:
            try:
                response = self.handler(signed_in)
            except Exception:
                logger.exception("suite %s: the on_login handler failed", name)
                return error_page(
                    "The sign-in could not be completed",
                    "The application failed to start your session.",
                    hint=start_again,
                    status=500,
                )
            if response is not None:
                response.headers.setdefault("cache-control", "no-store")
                return response
        return self._hand_off(signed_in)

    def _hand_off(self, who: SignIn) -> WebResponse:
        """The default: redirect to ``return_to`` / ``login_redirect_url`` with a signed hand-off token."""
        target = who.return_to or self._config.login_redirect_url
        if not target:
            return signed_in_page(userid=who.userid, corp_id=who.corp_id, suite_name=self._config.name)
        token = self._handoffs.issue("login", who.corp_id, userid=who.userid, open_userid=who.open_userid)
        response = WebResponse.redirect(with_query(target, {HANDOFF_PARAM: token}))
        response.headers["cache-control"] = "no-store"
        response.headers["referrer-policy"] = "no-referrer"
        return response

