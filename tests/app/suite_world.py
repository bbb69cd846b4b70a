"""Test helpers: a suite service and the WeCom sandbox wired together over loopback, on one ManualClock."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from tests.html_pages import LinkAndForm, parse_page  # noqa: F401 - re-exported for the app tests
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.serving import ServerThread, bind_socket

START = 1_700_000_000.0
PREFIX = "/wecom"
AUTH_DEADLINE = 1.0  # seconds: docs/protocol.md §1.10, create_auth & co must be answered within 1000 ms


class ServedApp(ServerThread):
    """Any ASGI app served by uvicorn on a pre-bound loopback socket, in a daemon thread."""

    def __init__(self, asgi_app: Any, sock: socket.socket) -> None:
        config = uvicorn.Config(asgi_app, log_level="warning", lifespan="off", access_log=False)
        super().__init__(config, sock, name="wecom-test-service")
        self.url = self.base_url


def bound_socket() -> socket.socket:
    return bind_socket("127.0.0.1")


def config_for(sandbox: Sandbox, **overrides: Any) -> SuiteConfig:
    s = sandbox.settings
    values: dict[str, Any] = {
        "suite_id": s.suite_id,
        "suite_secret": s.suite_secret,
        "token": s.token,
        "encoding_aes_key": s.encoding_aes_key,
        "provider_corp_id": s.provider_corp_id,
        "provider_secret": s.provider_secret,
        "api_base_url": s.api_base_url,
        "install_base_url": s.install_base_url,
        "login_base_url": s.install_base_url,  # the sandbox serves WeCom's sign-in pages on the same host
        "store_url": "memory://",
        "auth_type": "test",
        "url_prefix": PREFIX,
    }
    values.update(overrides)
    return SuiteConfig(**values)


@dataclass
class World:
    clock: ManualClock
    sandbox: Sandbox
    app: SuiteApp
    service: ServedApp

    @property
    def corp_id(self) -> str:
        return self.sandbox.company().corp_id

    def url(self, path: str) -> str:
        return f"{self.service.url}{PREFIX}{path}"


WorldFactory = Callable[..., World]
