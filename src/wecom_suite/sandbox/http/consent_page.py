"""WeCom's install consent page (授权安装页, ``/3rdapp/install``): pick a company, press authorise.

Started from the provider's site (``pre_auth_code``) the browser is redirected to
``redirect_uri?auth_code=&expires_in=600&state=`` and/or ``create_auth`` is pushed, as configured.
Started from a QR code (``qrcode=1``) or a 代开发 link (``customized_link``) only the push happens.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..endpoints.api_failure import ApiFailure
from ..endpoints.request_params import STATE_RE
from ..rules.lifetimes import LIFETIMES

if TYPE_CHECKING:
    from ..sandbox import Sandbox

__all__ = ["ConsentPage"]

_FIELDS = ("suite_id", "pre_auth_code", "redirect_uri", "state", "qrcode", "customized_link")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:36em;margin:3em auto}label{display:block;margin:.5em 0}"
        ".error{color:#b00}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>",
        status_code=status,
    )


def _error(message: str, hint: str) -> HTMLResponse:
    return _page(
        "授权失败 Authorisation failed",
        f"<p class='error' id='error'>{html.escape(message)}</p><p id='hint'>{html.escape(hint)}</p>",
        status=400,
    )


class ConsentPage:
    """The GET (show) and POST (authorise) handlers; all checks go through the sandbox's emulator."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def _check(self, fields: dict[str, str]) -> HTMLResponse | None:
        settings = self.sandbox.settings
        if fields.get("customized_link"):
            link = self.sandbox.emulator.book.lookup("customized_link", fields["customized_link"])
            if link is None or link.expired(self.sandbox.clock.now()):
                return _error("代开发授权链接已失效 (customized auth link expired or unknown)",
                              "get a new link with service/get_customized_auth_url")
            return None
        if fields.get("suite_id") != settings.suite_id:
            return _error(f"suite_id {fields.get('suite_id', '')!r} is not this sandbox's suite",
                          f"use suite_id={settings.suite_id}")
        if not STATE_RE.fullmatch(fields.get("state", "")):
            return _error("state 参数错误 (state must be [a-zA-Z0-9], at most 128 bytes)", "fix the state parameter")
        if fields.get("qrcode") == "1":
            return None
        if not fields.get("redirect_uri"):
            return _error("redirect_uri 参数错误 (redirect_uri is missing)", "add redirect_uri to the install URL")
        try:
            self.sandbox.emulator.pre_auth_code(fields.get("pre_auth_code", ""))
        except ApiFailure as failure:
            why = "expired" if failure.errcode == 42007 else "unknown or already used"
            return _error(f"preauthcode校验失败 (pre_auth_code {why})",
                          "get a new pre_auth_code (service/get_pre_auth_code) and open the install URL again")
        return None

    async def show(self, request: Request) -> Response:
        fields = {k: request.query_params.get(k, "") for k in _FIELDS}
        problem = self._check(fields)
        if problem is not None:
            return problem
        hidden = "".join(
            f"<input type='hidden' name='{k}' value='{html.escape(v, quote=True)}'>" for k, v in fields.items()
        )
        choices = "".join(
            f"<label><input type='radio' name='corp_id' value='{html.escape(c.corp_id)}' "
            f"data-corp-id='{html.escape(c.corp_id)}'> {html.escape(c.corp_name)} "
            f"<small>({html.escape(c.corp_id)})</small></label>"
            for c in self.sandbox.companies.values()
        )
        what = "代开发应用模板" if fields.get("customized_link") else "第三方应用"
        return _page(
            "授权安装 Install the app",
            f"<p>选择要安装{what}的企业 (choose the company that installs "
            f"<code>{html.escape(fields['suite_id'])}</code>):</p>"
            f"<form method='post' action='/3rdapp/install'>{hidden}{choices}"
            "<button type='submit' id='authorize'>同意授权 Authorise</button></form>",
        )

    async def authorise(self, request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", "replace")
        form = dict(parse_qsl(raw, keep_blank_values=True))
        fields = {k: form.get(k, "") for k in _FIELDS}
        problem = self._check(fields)
        if problem is not None:
            return problem
        corp_id = form.get("corp_id", "")
        if corp_id not in self.sandbox.companies:
            return _error("请选择企业 (choose a company first)", "go back and pick one of the companies")
        return await run_in_threadpool(self._complete, corp_id, fields)

    def _complete(self, corp_id: str, fields: dict[str, str]) -> Response:
        sandbox = self.sandbox
        state = fields["state"]
        customized = bool(fields.get("customized_link"))
        from_provider_site = not customized and fields.get("qrcode") != "1"
        auth_type = 0
        if from_provider_site:
            try:
                consumed = sandbox.emulator.consume_pre_auth_code(fields["pre_auth_code"])
                auth_type = int(consumed.data.get("auth_type", 0))
            except ApiFailure:
                return _error("preauthcode校验失败 (pre_auth_code already used)", "get a new pre_auth_code")
        if customized:
            link = sandbox.emulator.book.lookup("customized_link", fields["customized_link"])
            state = str(link.data.get("state", "")) if link else state
        auth_code = sandbox.emulator.install(corp_id, state=state, auth_type=auth_type, customized=customized)
        mode = sandbox.install_delivery if from_provider_site else "callback"
        if mode in ("both", "callback"):
            sandbox.notify_create_auth(auth_code, state)
        if mode in ("both", "redirect"):
            target = urlsplit(fields["redirect_uri"])
            extra = urlencode({"auth_code": auth_code, "expires_in": int(LIFETIMES["auth_code"]), "state": state})
            query = f"{target.query}&{extra}" if target.query else extra
            return RedirectResponse(urlunsplit(target._replace(query=query)), status_code=302)
        company = sandbox.companies[corp_id]
        return _page("授权成功 Installed",
                     f"<p id='installed'>{html.escape(company.corp_name)} installed the app.</p>")
