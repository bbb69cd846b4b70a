"""Test helpers: a suite service and the WeCom sandbox wired together over loopback, on one ManualClock."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from tests.html_pages import LinkAndForm, parse_page  # noqa: F401 - re-exported for the app tests
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox

START = 1_700_000_000.0
PREFIX = "/wecom"
AUTH_DEADLINE = 1.0  # seconds: docs/protocol.md §1.10, create_auth & co must be answered within 1000 ms


class ServedApp:
    """Any ASGI app served by uvicorn on a pre-bound loopback socket, in a daemon thread."""

    def __init__(self, asgi_app: Any, sock: socket.socket) -> None:
        self.sock = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(asgi_app, log_level="warning", lifespan="off", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    def start(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert self.thread.is_alive(), "the service thread died"
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.005)  # polling for our own server thread to come up
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


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
