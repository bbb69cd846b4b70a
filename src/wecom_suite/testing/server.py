"""Serving an app over loopback in a test: ``with serve_in_thread(app) as base_url: ...``.

What a test of a whole ``SuiteApp`` otherwise writes itself (a socket, a uvicorn server in a thread,
waiting until it listens, stopping it): about twenty lines, now one.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["bind_loopback", "serve_in_thread"]


def bind_loopback(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: a free port), for a URL known before the server starts."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


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
    sock = sock or bind_loopback(host)
    address = sock.getsockname()
    shown_host = f"[{address[0]}]" if ":" in address[0] else address[0]
    server = uvicorn.Server(
        uvicorn.Config(asgi, log_config=None, log_level=None, lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="wecom-test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start (see the log)")
            time.sleep(0.005)  # polling for our own server thread to come up
        yield f"http://{shown_host}:{address[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
