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
from wecom_suite.testing.suite import suite_config_for

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
    """The shipped ``suite_config_for``, under the app tests' URL prefix."""
    return suite_config_for(sandbox, **{"url_prefix": PREFIX, **overrides})


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
