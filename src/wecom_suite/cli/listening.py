"""Binding the listening socket ourselves, before anything else starts: the CLI's face of
:func:`wecom_suite.serving.bind_socket` (whose docstring says why the socket is made the way it is).

A busy port then becomes one clear error line (``cannot listen on HOST:PORT: Address already in use``)
instead of uvicorn's log lines and a bare exit.
"""

from __future__ import annotations

import socket
from typing import Any

import click

from ..serving import bind_socket

__all__ = ["bind_listening_socket", "run_workers"]


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); ClickException if it cannot be had.

    The options and backlog of :func:`wecom_suite.serving.bind_socket`.
    """
    try:
        return bind_socket(host, port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {reason} (hint: stop what uses it, or choose another with --port)"
        ) from None


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
