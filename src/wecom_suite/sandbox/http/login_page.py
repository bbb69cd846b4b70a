"""WeCom's user-identity pages: in-app OAuth2 (网页授权, https://developer.work.weixin.qq.com/document/path/91120)
and web login (企业微信Web登录, https://developer.work.weixin.qq.com/document/path/98171).

The page lists the members of companies that have authorised the suite (standing in for "who is
logged in to WeCom" / "who scanned the QR code"); choosing one redirects to
``redirect_uri?code=CODE&state=STATE``. The code is single use and lives 5 minutes; it is exchanged
with ``service/auth/getuserinfo3rd``, which adds a ``user_ticket`` when the scope was
``snsapi_privateinfo`` (the member consented to share avatar and QR code).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..endpoints.api_failure import ApiFailure
from ..endpoints.request_params import STATE_RE

if TYPE_CHECKING:
    from ..sandbox import Sandbox

__all__ = ["LoginPage"]

_SCOPES = ("snsapi_base", "snsapi_privateinfo")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>",
        status_code=status,
    )


def _error(message: str) -> HTMLResponse:
    return _page("登录失败 Login failed", f"<p id='error'>{html.escape(message)}</p>", status=400)


class LoginPage:
    """GET shows the member picker for either URL; POST ``/sandbox/login`` issues the code and redirects."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def _check(self, appid: str, redirect_uri: str, state: str, scope: str) -> HTMLResponse | None:
        if appid != self.sandbox.settings.suite_id:
            return _error(f"appid {appid!r} is not this sandbox's suite id")
        if not redirect_uri:
            return _error("redirect_uri is missing")
        if not STATE_RE.fullmatch(state):
            return _error("state must be [a-zA-Z0-9], at most 128 bytes")
        if scope not in _SCOPES:
            return _error(f"scope must be one of {', '.join(_SCOPES)}")
        return None

    async def oauth2(self, request: Request) -> Response:
        q = request.query_params
        return self._show(
            q.get("appid", ""), q.get("redirect_uri", ""), q.get("state", ""), q.get("scope", "snsapi_base"), "oauth2"
        )

    async def web_login(self, request: Request) -> Response:
        q = request.query_params
        if q.get("login_type", "ServiceApp") != "ServiceApp":
            return _error("the sandbox serves login_type=ServiceApp only")
        return self._show(q.get("appid", ""), q.get("redirect_uri", ""), q.get("state", ""), "snsapi_base", "web")

    def _show(self, appid: str, redirect_uri: str, state: str, scope: str, kind: str) -> Response:
        problem = self._check(appid, redirect_uri, state, scope)
        if problem is not None:
            return problem
        members = [
            (company, user)
            for company in self.sandbox.companies.values()
            if company.authorized
            for user in company.users.values()
        ]
        if not members:
            return _error("no company has installed the app yet: nobody can log in")
        hidden = "".join(
            f"<input type='hidden' name='{k}' value='{html.escape(v, quote=True)}'>"
            for k, v in {"appid": appid, "redirect_uri": redirect_uri, "state": state, "scope": scope}.items()
        )
        choices = "".join(
            f"<label><input type='radio' name='member' value='{html.escape(c.corp_id)}/{html.escape(u.userid)}'> "
            f"{html.escape(u.name)} @ {html.escape(c.corp_name)}</label><br>"
            for c, u in members
        )
        title = "企业微信Web登录 Scan to log in" if kind == "web" else "企业微信网页授权 Log in"
        consent = (
            "<p id='consent'>The app asks for your avatar and QR code (成员敏感信息); logging in agrees.</p>"
            if scope == "snsapi_privateinfo"
            else ""
        )
        return _page(
            title,
            f"<p id='kind' data-kind='{kind}'>Sandbox: choose who is logging in.</p>{consent}"
            f"<form method='post' action='/sandbox/login'>{hidden}{choices}"
            "<button type='submit' id='login'>登录 Log in</button></form>",
        )

    async def login(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        appid, redirect_uri = form.get("appid", ""), form.get("redirect_uri", "")
        state, scope = form.get("state", ""), form.get("scope", "snsapi_base")
        problem = self._check(appid, redirect_uri, state, scope)
        if problem is not None:
            return problem
        corp_id, _, userid = form.get("member", "").partition("/")
        try:
            code = self.sandbox.issue_oauth_code(corp_id, userid, scope=scope)
        except (KeyError, ApiFailure):
            return _error("choose a member of a company that installed the app")
        target = urlsplit(redirect_uri)
        extra = urlencode({"code": code, "state": state})
        return RedirectResponse(
            urlunsplit(target._replace(query=f"{target.query}&{extra}" if target.query else extra)), status_code=302
        )
