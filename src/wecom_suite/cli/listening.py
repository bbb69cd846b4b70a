"""Binding the listening socket ourselves, before anything else starts.

A busy port then becomes one clear error line (``cannot listen on HOST:PORT: Address already in use``)
instead of uvicorn's log lines and a bare exit, and nothing (a worker, the sandbox's first push) runs
against a service that will never listen.
"""

from __future__ import annotations

import socket

import click

__all__ = ["bind_listening_socket"]


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); ClickException if it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {reason} (hint: stop what uses it, or choose another with --port)"
        ) from None
    sock.listen(2048)
    return sock
