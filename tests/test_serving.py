"""``wecom_suite.serving.ServerThread``, the one uvicorn-in-a-thread (sandbox, ``wecom-suite sandbox``,
``testing.serve_in_thread``): serves over loopback once ``start()`` returns, stops, and says at once when
it cannot start. The socket options of ``bind_socket`` are tested in tests/cli/test_listening.py."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
import uvicorn

from wecom_suite.serving import ServerThread, bind_socket, listener_problems

pytestmark = pytest.mark.timeout(60)



async def _hello(scope: dict[str, object], receive: object, send: Any) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello " + str(scope["path"]).encode()})


def _config() -> uvicorn.Config:
    return uvicorn.Config(_hello, log_config=None, log_level=None, lifespan="off", access_log=False)


def test_server_thread_serves_on_its_socket_until_stopped() -> None:
    sock = bind_socket("127.0.0.1")
    assert listener_problems(sock) == []
    server = ServerThread(_config(), sock, name="test-server")
    assert not server.serving
    with server:  # start() returned: requests are answered now, no waiting
        assert server.serving
        assert server.base_url == f"http://127.0.0.1:{sock.getsockname()[1]}"
        assert any(t.name == "test-server" and t.daemon for t in threading.enumerate())
        response = httpx.get(server.base_url + "/ping", timeout=10)
        assert (response.status_code, response.text) == (200, "hello /ping")
    assert not server.serving
    assert sock.fileno() == -1  # closed: the thread owns its socket
    assert not any(t.name == "test-server" for t in threading.enumerate())
    with pytest.raises(httpx.TransportError):
        httpx.get(server.base_url + "/ping", timeout=10)
    server.stop()  # twice is fine


async def _failing_lifespan(scope: dict[str, object], receive: Any, send: Any) -> None:
    assert scope["type"] == "lifespan"
    await receive()  # lifespan.startup
    await send({"type": "lifespan.startup.failed", "message": "no database"})


def test_server_thread_that_cannot_serve_raises_at_once_and_cleans_up() -> None:
    sock = bind_socket("127.0.0.1")
    config = uvicorn.Config(_failing_lifespan, log_config=None, log_level=None, lifespan="on", access_log=False)
    server = ServerThread(config, sock, name="test-broken")  # start() must not wait for its timeout to say so
    with pytest.raises(RuntimeError, match="test-broken server did not start"):
        server.start(timeout=60)
    assert not server.serving
    assert sock.fileno() == -1
    assert not any(t.name == "test-broken" for t in threading.enumerate())
