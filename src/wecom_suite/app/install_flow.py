"""The install flow (授权安装) started from the provider's own site.

``GET {prefix}/install`` gets a fresh pre_auth_code (预授权码), applies the authorisation type
(set_session_info: test or official), issues a single-use CSRF ``state`` bound to this browser by a
cookie (:mod:`.browser_state`) and sends the browser to WeCom's install page. WeCom sends it back to
``GET {prefix}/install/callback?auth_code=…&state=…``, where the state and the cookie are checked and
the auth_code redeemed (unless the ``create_auth`` callback already did: see
:mod:`.auth_code_redemption`). With ``success_redirect_url`` the browser then goes to the provider's
site with a signed hand-off token (:mod:`.handoff`), never with bare ids.
https://developer.work.weixin.qq.com/document/path/90597
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from ..api.install_urls import install_url, legacy_auth_code_url
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import WeComError, WeComSuiteError
from ..redaction import redact_url
from ..stores.install_states import InstallStates
from ..stores.records import CompanyRecord
from ..web.request import WebRequest
from ..web.response import WebResponse
from .browser_state import BrowserStates, refusal, state_fingerprint
from .config import SuiteConfig, reveal
from .handoff import HANDOFF_PARAM, Handoffs, HandoffSigner
from .install_receipt import receipt_redirect, show_receipt
from .lifecycle import as_json_dict
from .pages import error_page, install_page

__all__ = ["InstallFlow", "PreAuthApi", "failure_page", "public_base_url", "with_query"]

logger = logging.getLogger("wecom_suite.install")

STATE_LIFETIME = 1200.0  # the pre_auth_code's own validity: a state cannot be useful for longer


class PreAuthApi(Protocol):
    def get_pre_auth_code(self) -> Any: ...

    def set_session_info(self, pre_auth_code: str, *, auth_type: int = 0, app_ids: Any = None) -> Any: ...


class InstallFlow:
    def __init__(
        self,
        config: SuiteConfig,
        states: InstallStates,
        api: PreAuthApi,
        redeem: Callable[[str], tuple[CompanyRecord, bool]],
        *,
        clock: Clock | None = None,
        handoffs: Handoffs | None = None,
    ) -> None:
        self._config = config
        self._api = api
        self._redeem = redeem
        self._clock = clock or DEFAULT_CLOCK
        self._states = BrowserStates(states, config.suite_id, config.name, self._clock)
        self._handoffs = handoffs or Handoffs(
            HandoffSigner(reveal(config.secret_key or config.suite_secret), config.suite_id), states, self._clock
        )

    # -- URLs ---------------------------------------------------------------------------------------

    def base_url(self, request: WebRequest | None = None) -> str:
        """This service's public base URL: configured, or what the browser used to reach us."""
        return public_base_url(self._config, request)

    def redirect_uri(self, request: WebRequest | None = None) -> str:
        return f"{self.base_url(request)}{self._config.url_prefix}/install/callback"

    def build_install_url(self, pre_auth_code: str, redirect_uri: str, state: str) -> str:
        build = legacy_auth_code_url if self._config.install_url_style == "legacy" else install_url
        return build(self._config.suite_id, pre_auth_code, redirect_uri, state, base_url=self._config.install_base_url)

    # -- endpoints ----------------------------------------------------------------------------------

    def begin(self, request: WebRequest) -> WebResponse:
        """GET {prefix}/install. ``?go=1`` redirects at once instead of showing the install button."""
        try:
            pre_auth_code = str(as_json_dict(self._api.get_pre_auth_code())["pre_auth_code"])
            auth_type = 1 if self._config.auth_type == "test" else 0
            self._api.set_session_info(pre_auth_code, auth_type=auth_type)
        except WeComSuiteError as exc:
            logger.warning("suite %s: cannot start an install: %s", self._config.name, exc)
            return failure_page("The install could not be started", exc, status=502)
        base = self.base_url(request)
        state, cookie = self._states.issue(
            request.headers, "install", lifetime=STATE_LIFETIME, secure=base.startswith("https://")
        )
        url = self.build_install_url(pre_auth_code, f"{base}{self._config.url_prefix}/install/callback", state)
        if request.query.get("go") in ("1", "true", "yes"):
            response = WebResponse.redirect(url)
            response.headers["cache-control"] = "no-store"
        else:
            response = install_page(url, suite_name=self._config.name, suite_id=self._config.suite_id)
        response.headers["set-cookie"] = cookie
        return response

    def complete(self, request: WebRequest) -> WebResponse:
        """GET {prefix}/install/callback?auth_code=…&expires_in=600&state=…"""
        if request.query.get("receipt"):  # the success page again (a reload): see install_receipt
            return show_receipt(self._config, request.query["receipt"], now=self._clock.now())
        start_again = f"start again from {self._config.url_prefix}/install"
        auth_code = request.query.get("auth_code", "")
        state = request.query.get("state", "")
        if not auth_code:
            return error_page(
                "The install did not complete",
                "WeCom sent no auth_code: the administrator may have cancelled the install.",
                hint=f"To install, {start_again}.",
            )
        secure = self.base_url(request).startswith("https://")
        check = self._states.check(request.headers, "install", state, secure=secure)
        if not check.ok:
            logger.warning(
                "suite %s: install callback refused: %s (state %s)",
                self._config.name,
                check.outcome.value,
                state_fingerprint(state),
            )
            title, detail = refusal(check.outcome, "install", lifetime=STATE_LIFETIME)
            return error_page(title, detail, hint=f"Please {start_again}.", show_title=True)
        try:
            company, exchanged = self._redeem(auth_code)
        except WeComSuiteError as exc:
            logger.warning("suite %s: install callback failed: %s", self._config.name, exc)
            return failure_page("The install could not be completed", exc, status=502)
        logger.info(
            "suite %s: install of %s completed (%s)",
            self._config.name,
            company.corp_id,
            "exchanged here" if exchanged else "already exchanged by the create_auth callback",
        )
        target = self._config.success_redirect_url
        if target:
            token = self._handoffs.issue("install", company.corp_id)
            response = WebResponse.redirect(with_query(target, {HANDOFF_PARAM: token}))
            response.headers["cache-control"] = "no-store"
            response.headers["referrer-policy"] = "no-referrer"
            return response
        return receipt_redirect(self.redirect_uri(request), self._config, company, now=self._clock.now())


def public_base_url(config: SuiteConfig, request: WebRequest | None) -> str:
    """This service's public base URL: configured, or what the browser used to reach us (proxy headers first)."""
    if config.public_base_url:
        return config.public_base_url
    if request is None:
        return ""
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or "localhost"
    proto = (request.headers.get("x-forwarded-proto") or "http").split(",")[0].strip()
    return f"{proto}://{host.split(',')[0].strip()}"


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` appended to its query (kept before any ``#fragment``)."""
    parts = urlsplit(url)
    extra = urlencode(params)
    return parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra).geturl()


def failure_page(title: str, exc: WeComSuiteError, *, status: int) -> WebResponse:
    """WeCom (or the way to it) failed: say what it answered, redacted, and what to try."""
    if isinstance(exc, WeComError):
        detail = f"WeCom answered error {exc.errcode}: {redact_url(exc.errmsg)}"
    else:
        detail = redact_url(str(exc.args[0])) if exc.args else type(exc).__name__
    return error_page(title, detail, hint=exc.hint or "Try again in a minute.", status=status)
