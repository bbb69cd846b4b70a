"""The install flow (授权安装) started from the provider's own site.

``GET {prefix}/install`` gets a fresh pre_auth_code (预授权码), applies the authorisation type
(set_session_info: test or official), issues a single-use CSRF ``state`` and sends the browser to
WeCom's install page. WeCom sends it back to ``GET {prefix}/install/callback?auth_code=…&state=…``,
where the state is checked and the auth_code redeemed (unless the ``create_auth`` callback already
did: see :mod:`.auth_code_redemption`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from ..api.install_urls import install_url, legacy_auth_code_url
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import WeComError, WeComSuiteError
from ..redaction import redact_url
from ..stores.install_state_store import InstallStateStore
from ..stores.records import CompanyRecord
from ..web.request import WebRequest
from ..web.response import WebResponse
from .config import SuiteConfig
from .install_receipt import receipt_redirect, show_receipt
from .lifecycle import as_json_dict
from .pages import error_page, install_page

__all__ = ["InstallFlow", "PreAuthApi"]

logger = logging.getLogger("wecom_suite.install")

STATE_LIFETIME = 1200.0  # the pre_auth_code's own validity: a state cannot be useful for longer


class PreAuthApi(Protocol):
    def get_pre_auth_code(self) -> Any: ...

    def set_session_info(self, pre_auth_code: str, *, auth_type: int = 0, app_ids: Any = None) -> Any: ...


class InstallFlow:
    def __init__(
        self,
        config: SuiteConfig,
        states: InstallStateStore,
        api: PreAuthApi,
        redeem: Callable[[str], tuple[CompanyRecord, bool]],
        *,
        clock: Clock | None = None,
    ) -> None:
        self._config = config
        self._states = states
        self._api = api
        self._redeem = redeem
        self._clock = clock or DEFAULT_CLOCK

    # -- URLs ---------------------------------------------------------------------------------------

    def base_url(self, request: WebRequest | None = None) -> str:
        """This service's public base URL: configured, or what the browser used to reach us."""
        if self._config.public_base_url:
            return self._config.public_base_url
        if request is None:
            return ""
        host = request.headers.get("x-forwarded-host") or request.headers.get("host") or "localhost"
        proto = (request.headers.get("x-forwarded-proto") or "http").split(",")[0].strip()
        return f"{proto}://{host.split(',')[0].strip()}"

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
            return _failure_page("The install could not be started", exc, status=502)
        state = secrets.token_hex(16)  # WeCom allows [a-zA-Z0-9]{,128}
        self._states.issue_state(state, expires_at=self._clock.now() + STATE_LIFETIME, suite_id=self._config.suite_id)
        url = self.build_install_url(pre_auth_code, self.redirect_uri(request), state)
        if request.query.get("go") in ("1", "true", "yes"):
            response = WebResponse.redirect(url)
            response.headers["cache-control"] = "no-store"
            return response
        return install_page(url, suite_name=self._config.name, suite_id=self._config.suite_id)

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
        if (
            not state
            or self._states.consume_state(state, now=self._clock.now(), suite_id=self._config.suite_id) is None
        ):
            return error_page(
                "This install link has expired or was already used",
                "The install's security check (state) is unknown, used or older than 20 minutes.",
                hint=f"Please {start_again}.",
            )
        try:
            company, exchanged = self._redeem(auth_code)
        except WeComSuiteError as exc:
            logger.warning("suite %s: install callback failed: %s", self._config.name, exc)
            return _failure_page("The install could not be completed", exc, status=502)
        logger.info(
            "suite %s: install of %s completed (%s)",
            self._config.name,
            company.corp_id,
            "exchanged here" if exchanged else "already exchanged by the create_auth callback",
        )
        target = self._config.success_redirect_url
        if target:
            sep = "&" if urlsplit(target).query else "?"
            query = urlencode({"corp_id": company.corp_id, "suite_id": company.suite_id})
            return WebResponse.redirect(f"{target}{sep}{query}")
        return receipt_redirect(self.redirect_uri(request), self._config, company, now=self._clock.now())


def _failure_page(title: str, exc: WeComSuiteError, *, status: int) -> WebResponse:
    if isinstance(exc, WeComError):
        detail = f"WeCom answered error {exc.errcode}: {redact_url(exc.errmsg)}"
    else:
        detail = redact_url(str(exc.args[0])) if exc.args else type(exc).__name__
    return error_page(title, detail, hint=exc.hint or "Try again in a minute.", status=status)
