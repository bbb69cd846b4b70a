"""Serving HTTP on a socket we bind ourselves; uvicorn in a daemon thread (one way, for every caller).

The socket comes first (:func:`bind_socket`): the URL is known before anything starts, a busy port is one
clear error, and nothing (a worker, the sandbox's first push) runs against a service that will never
listen. :class:`ServerThread` then serves an ASGI app on it with uvicorn in a daemon thread: the sandbox,
the service of ``wecom-suite sandbox`` and ``testing.serve_in_thread`` all use it; ``wecom-suite serve``
binds the same socket and hands it to uvicorn's worker processes.

The socket gets the options uvicorn's own listener would have (asyncio's ``create_server``), above all
``TCP_NODELAY`` on every accepted connection. asyncio sets it on a connection only when the listening
socket was made with ``proto=IPPROTO_TCP``; a socket made with ``proto=0`` (the ``socket.socket()``
default) silently leaves Nagle's algorithm on, and every response written in two parts (headers, then
body) then waits for the client's delayed ACK: ~40 ms a request on Linux, even for a 404. So the socket
is made with the TCP protocol number *and* has ``TCP_NODELAY`` set on it (Linux passes it on to each
accepted connection); :func:`listener_problems` checks both.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import uvicorn

__all__ = ["BACKLOG", "ServerThread", "bind_socket", "listener_problems"]

BACKLOG = 2048  # uvicorn's default


def bind_socket(host: str, port: int = 0, *, backlog: int = BACKLOG) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port). Raises ``OSError`` (a busy port).

    Options: ``SO_REUSEADDR`` (a restart does not wait for TIME_WAIT), ``IPV6_V6ONLY`` for an IPv6
    address (as asyncio sets it), ``TCP_NODELAY`` and ``proto=IPPROTO_TCP`` (see the module docstring).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def listener_problems(sock: socket.socket) -> list[str]:
    """What is wrong with a listening socket for serving HTTP (an empty list: nothing).

    Checks the two conditions for ``TCP_NODELAY`` on accepted connections described above.
    """
    problems = []
    if sock.proto != socket.IPPROTO_TCP:
        problems.append(f"proto is {sock.proto}, not IPPROTO_TCP: asyncio will not set TCP_NODELAY on connections")
    if not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
        problems.append("TCP_NODELAY is off on the listening socket")
    return problems


class _Server(uvicorn.Server):
    """uvicorn's server, telling ``settled`` when its startup is over (serving, or failed)."""

    def __init__(self, config: uvicorn.Config, settled: threading.Event) -> None:
        super().__init__(config)
        self._settled = settled

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self._settled.set()


class ServerThread:
    """Serve ``config`` (a ``uvicorn.Config``) on ``sock`` in a daemon thread named ``name``.

    ``start()`` returns once uvicorn serves (requests are answered from then on); ``stop()`` ends the
    server and closes ``sock``, which the ``ServerThread`` owns from construction. Also a context manager.
    The caller's ``config`` decides logging, lifespan and the HTTP protocol class.
    """

    def __init__(self, config: uvicorn.Config, sock: socket.socket, *, name: str) -> None:
        self.name = name
        self.sock = sock
        host, port = sock.getsockname()[:2]
        self.base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        """``http://HOST:PORT`` of the socket (an IPv6 host in brackets)."""
        self._settled = threading.Event()
        self._server = _Server(config, self._settled)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    @property
    def serving(self) -> bool:
        """Started, and neither stopped nor crashed."""
        return self._server.started and self._thread.is_alive()

    def start(self, timeout: float = 15.0) -> ServerThread:
        """Start serving; returns when uvicorn serves. Raises ``RuntimeError`` (after cleaning up) if it
        failed to start or did not within ``timeout`` seconds (its log says why)."""
        self._thread.start()
        if not self._settled.wait(timeout) or not self._server.started:
            self.stop(timeout=1.0)
            raise RuntimeError(f"the {self.name} server did not start within {timeout:g} s (see the log above)")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving (open connections get uvicorn's graceful shutdown) and close the socket; idempotent."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.sock.close()

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self.sock])
        except SystemExit:  # uvicorn ends a server whose startup failed this way, having logged why
            pass
        finally:  # a server that died before serving must not leave start() waiting for the timeout
            self._settled.set()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
