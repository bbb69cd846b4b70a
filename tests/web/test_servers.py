"""The ASGI and WSGI apps behind real servers (uvicorn, wsgiref) over loopback, with a real HTTP client."""

from __future__ import annotations

import threading
import wsgiref.simple_server
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from tests.callback.callback_helpers import KEY, NOW, PROVIDER, SUITE, TOKEN, get, post, ticket_xml
from wecom_suite.callback import CallbackContext, CallbackReceiver, EventRouter
from wecom_suite.clock import ManualClock
from wecom_suite.events import SuiteTicketEvent
from wecom_suite.serving import ServerThread, bind_socket
from wecom_suite.web import ASGIAdapter, CallbackEndpoint, WSGIAdapter


def make_endpoint(seen: list[str]) -> CallbackEndpoint:
    receiver = CallbackReceiver(TOKEN, KEY, {SUITE, PROVIDER}, clock=ManualClock(NOW), suite_id=SUITE)
    router = EventRouter()

    @router.on("suite_ticket")
    def on_ticket(ctx: CallbackContext) -> None:
        assert isinstance(ctx.event, SuiteTicketEvent)
        seen.append(f"{ctx.event.suite_ticket}@{threading.current_thread().name}")

    return CallbackEndpoint(receiver, router)


def raw_query(query: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items())  # a literal '+' in echostr, as WeCom sends it


def exercise(base: str, seen: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=10) as client:
        echo = get("a+b/c=d", receive_id=PROVIDER)
        response = client.get("/wecom/callback?" + raw_query(echo))
        assert (response.status_code, response.text) == (200, "a+b/c=d")
        query, body = post(ticket_xml("LIVE"))
        response = client.post("/wecom/callback?" + raw_query(query), content=body)
        assert (response.status_code, response.text) == (200, "success")
        response = client.post("/wecom/callback?" + raw_query(query), content=body[:-10])
        assert response.status_code == 400
        assert response.text.startswith("malformed_xml")
    assert [s.split("@")[0] for s in seen] == ["LIVE"]


@pytest.fixture
def uvicorn_base() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    config = uvicorn.Config(ASGIAdapter(make_endpoint(seen)), log_level="warning")
    with ServerThread(config, bind_socket("127.0.0.1"), name="test-uvicorn") as server:
        yield server.base_url, seen


def test_asgi_behind_uvicorn(uvicorn_base: tuple[str, list[str]]) -> None:
    base, seen = uvicorn_base
    exercise(base, seen)
    assert not seen[0].endswith("@MainThread")  # the sync handler ran in a worker thread


class _QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def test_wsgi_behind_wsgiref() -> None:
    seen: list[str] = []
    server = wsgiref.simple_server.make_server(
        "127.0.0.1", 0, WSGIAdapter(make_endpoint(seen)), handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        exercise(f"http://127.0.0.1:{server.server_port}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
