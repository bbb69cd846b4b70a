"""The sandbox's whole ASGI app: WeCom's API under ``/cgi-bin/``, the install page, the admin API."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .admin_api import AdminApi
from .api_app import API_PREFIX, ApiApp
from .consent_page import ConsentPage
from .login_page import LoginPage

if TYPE_CHECKING:
    from ..sandbox import Sandbox

__all__ = ["build_asgi_app"]


def build_asgi_app(sandbox: Sandbox, drop_connection: Callable[[Scope], bool] = lambda scope: False) -> ASGIApp:
    consent = ConsentPage(sandbox)
    login = LoginPage(sandbox)

    async def index(request: Request) -> Response:
        return PlainTextResponse(
            f"wecom-suite sandbox for suite {sandbox.settings.suite_id}\n"
            "API: /cgi-bin/...  install page: /3rdapp/install  login: /connect/oauth2/authorize, /wwlogin/sso/login\n"
            "admin: /sandbox/settings, /sandbox/companies\n"
        )

    site = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/3rdapp/install", consent.show, methods=["GET"]),
            Route("/3rdapp/install", consent.authorise, methods=["POST"]),
            Route("/connect/oauth2/authorize", login.oauth2, methods=["GET"]),
            Route("/wwlogin/sso/login", login.web_login, methods=["GET"]),
            Route("/sandbox/login", login.login, methods=["POST"]),
            *AdminApi(sandbox).routes(),
        ]
    )
    api = ApiApp(sandbox.emulator, sandbox.counters, sandbox.faults, drop_connection, sandbox.throttle)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            await api(scope, receive, send)
        else:
            await site(scope, receive, send)

    return app
