"""Serving an app over loopback in a test: ``with serve_in_thread(app) as base_url: ...``.

What a test of a whole ``SuiteApp`` otherwise writes itself (a socket, a uvicorn server in a thread,
waiting until it listens, stopping it): about twenty lines, now one (``wecom_suite.serving`` does the work).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from ..serving import ServerThread, bind_socket

__all__ = ["bind_loopback", "serve_in_thread"]


def bind_loopback(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: a free port), for a URL known before the server starts."""
    return bind_socket(host, port)


@contextmanager
def serve_in_thread(
    app: Any, *, sock: socket.socket | None = None, host: str = "127.0.0.1", timeout: float = 15.0
) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a daemon thread; yields its base URL (``http://127.0.0.1:PORT``).

    ``app``: anything with an ``asgi()`` method (``SuiteApp``, ``SuiteGroup``) or an ASGI callable.
    ``sock``: a socket from :func:`bind_loopback` (closed on exit); default: a fresh one on ``host``.
    Raises ``RuntimeError`` if the server does not start within ``timeout`` seconds. On exit the server
    stops (the app itself is not closed: that is the caller's, e.g. ``with SuiteApp(...) as app``).
    """
    asgi = app.asgi() if hasattr(app, "asgi") else app
    config = uvicorn.Config(asgi, log_config=None, log_level=None, lifespan="off", access_log=False)
    server = ServerThread(config, sock or bind_loopback(host), name="wecom-test-server")
    server.start(timeout)
    try:
        yield server.base_url
    finally:
        server.stop(timeout)
