"""Binding the listening socket ourselves, before anything else starts.

A busy port then becomes one clear error line (``cannot listen on HOST:PORT: Address already in use``)
instead of uvicorn's log lines and a bare exit, and nothing (a worker, the sandbox's first push) runs
against a service that will never listen.

The socket gets the options uvicorn's own listener would have (asyncio's ``create_server``), above all
``TCP_NODELAY`` on every accepted connection. asyncio sets it on a connection only when the listening
socket was made with ``proto=IPPROTO_TCP``; a socket made with ``proto=0`` (the ``socket.socket()``
default) silently leaves Nagle's algorithm on, and every response written in two parts (headers, then
body) then waits for the client's delayed ACK: ~40 ms a request on Linux, even for a 404. So the socket
is made with the TCP protocol number *and* has ``TCP_NODELAY`` set on it (Linux passes it on to each
accepted connection), and :func:`listener_problems` checks both.
"""

from __future__ import annotations

import socket
from typing import Any

import click

__all__ = ["bind_listening_socket", "listener_problems", "run_workers"]

BACKLOG = 2048  # uvicorn's default


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); ClickException if it cannot be had.

    Options: ``SO_REUSEADDR`` (a restart does not wait for TIME_WAIT), ``IPV6_V6ONLY`` for an IPv6
    address (as asyncio sets it), ``TCP_NODELAY`` and ``proto=IPPROTO_TCP`` (see the module docstring),
    backlog 2048.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {reason} (hint: stop what uses it, or choose another with --port)"
        ) from None
    sock.listen(BACKLOG)
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


def run_workers(config: Any, sock: socket.socket) -> None:
    """Run ``config.workers`` uvicorn worker processes that all accept on ``sock``; returns on shutdown.

    What ``uvicorn.run`` does for ``workers > 1``, except that uvicorn would bind a socket of its own
    (``proto=0``, no ``TCP_NODELAY``). ``config`` is a ``uvicorn.Config`` whose app is an import string.
    """
    import inspect

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    supervisor: Any = Multiprocess
    if "target" in inspect.signature(supervisor).parameters:  # uvicorn < 0.36 passes the server's run
        supervisor(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
    else:
        supervisor(config, sockets=[sock]).run()
