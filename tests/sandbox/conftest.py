"""Fixtures for the sandbox's own tests: a manual clock, a running sandbox, and a tiny callback receiver.

The receiver is an independent implementation on purpose: it verifies and decrypts every push with
wechatpy's ``WeChatCrypto`` (not our crypto core), and can be told to fail the next N requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from wechatpy.enterprise.crypto import WeChatCrypto

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.xml import parse_xml


@dataclass
class Received:
    """One request the receiver got, as wechatpy understood it."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    outer: dict[str, Any] = field(default_factory=dict)
    plaintext: str = ""
    error: str = ""

    @property
    def event(self) -> dict[str, Any]:
        return parse_xml(self.plaintext) if self.plaintext else {}


class _QuietServer(ThreadingHTTPServer):
    """A slow answer's connection was dropped by the sandbox (deadline passed): that is expected, not noise."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Receiver:
    """Answers GET verification and POSTs like a provider's callback URL, using wechatpy.

    ``fail_next(n, status=500, body="oops")`` makes the next ``n`` requests fail (GETs included when
    ``gets=True``); ``delay_next(n, seconds)`` makes them slow (to miss the sandbox's deadline).
    """

    def __init__(self, sandbox: Sandbox, receive_id: str | None = None) -> None:
        self.sandbox = sandbox
        self.receive_id = receive_id
        self.keys: list[str] | None = None  # None: the sandbox's current key
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self._fail: list[tuple[int, str]] = []
        self._fail_gets = False
        self._delays: list[float] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                receiver._handle(self, "GET")

            def do_POST(self) -> None:
                receiver._handle(self, "POST")

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, n: int, *, status: int = 500, body: str = "oops", gets: bool = False) -> None:
        with self.lock:
            self._fail.extend([(status, body)] * n)
            self._fail_gets = gets

    def delay_next(self, n: int, seconds: float) -> None:
        with self.lock:
            self._delays.extend([seconds] * n)

    def posts(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.method == "POST"]

    def gets(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.method == "GET"]

    def _crypto(self, key: str, receive_id: str) -> WeChatCrypto:
        return WeChatCrypto(self.sandbox.settings.token, key, receive_id)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        record = Received(method, parts.path, query, body)
        with self.lock:
            self.requests.append(record)
            delay = self._delays.pop(0) if self._delays else 0.0
            failure = self._fail.pop(0) if self._fail and (method == "POST" or self._fail_gets) else None
        if delay:
            time.sleep(delay)  # playing a slow receiver, to make the sandbox's deadline pass
        if failure is not None:
            self._answer(handler, failure[0], failure[1])
            return
        if method == "GET" and "echostr" not in query:
            self._answer(handler, 200, "landed")  # a browser arriving at a redirect_uri
            return
        settings = self.sandbox.settings
        keys = self.keys or [settings.encoding_aes_key]
        answer = ""
        for key in keys:
            try:
                if method == "GET":
                    crypto = self._crypto(key, settings.provider_corp_id)
                    answer = crypto.check_signature(
                        query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"]
                    )
                    answer = answer.decode() if isinstance(answer, bytes) else answer
                    record.plaintext = answer
                else:
                    record.outer = parse_xml(body)
                    receive_id = self.receive_id or str(record.outer.get("ToUserName", ""))
                    crypto = self._crypto(key, receive_id)
                    plain = crypto.decrypt_message(
                        body.decode(), query["msg_signature"], query["timestamp"], query["nonce"]
                    )
                    record.plaintext = plain.decode() if isinstance(plain, bytes) else plain
                    answer = "success"
                record.error = ""
                break
            except Exception as exc:  # wechatpy raises several types; record and try the next key
                record.error = f"{type(exc).__name__}: {exc}"
        if record.error:
            self._answer(handler, 400, record.error)
        else:
            self._answer(handler, 200, answer)

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, text: str) -> None:
        data = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def wecom_sandbox_clock(clock: ManualClock) -> ManualClock:
    """The shipped ``wecom_sandbox`` runs on the test's one clock, so a test advances both at once."""
    return clock


@pytest.fixture
def sandbox(wecom_sandbox: Sandbox) -> Sandbox:
    """The shipped ``wecom_sandbox`` fixture (the sandbox's own tests call it ``sandbox``)."""
    return wecom_sandbox


@pytest.fixture
def receiver(sandbox: Sandbox) -> Iterator[Receiver]:
    """A receiver already registered as the sandbox's instruction callback URL."""
    rec = Receiver(sandbox)
    sandbox.set_callback_url(rec.url)
    try:
        yield rec
    finally:
        rec.close()


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """Raw HTTP to the sandbox (these are the sandbox's own tests, so no SuiteClient here)."""
    with httpx.Client(base_url=sandbox.base_url, trust_env=False, timeout=10) as client:
        yield client


def suite_token(sandbox: Sandbox, http: httpx.Client) -> str:
    s = sandbox.settings
    answer = http.post(
        "/cgi-bin/service/get_suite_token",
        json={"suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": sandbox.issue_ticket()},
    ).json()
    assert answer["errcode"] == 0, answer
    return str(answer["suite_access_token"])


def provider_token(sandbox: Sandbox, http: httpx.Client) -> str:
    s = sandbox.settings
    answer = http.post(
        "/cgi-bin/service/get_provider_token",
        json={"corpid": s.provider_corp_id, "provider_secret": s.provider_secret},
    ).json()
    assert answer["errcode"] == 0, answer
    return str(answer["provider_access_token"])


def corp_token(sandbox: Sandbox, http: httpx.Client, corp_id: str) -> str:
    permanent = sandbox.authorize(corp_id)
    answer = http.post(
        "/cgi-bin/service/get_corp_token",
        params={"suite_access_token": suite_token(sandbox, http)},
        json={"auth_corpid": corp_id, "permanent_code": permanent},
    ).json()
    assert answer["errcode"] == 0, answer
    return str(answer["access_token"])
