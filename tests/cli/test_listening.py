"""The socket `wecom-suite serve` listens on: the options uvicorn's own listener would have.

Without TCP_NODELAY on accepted connections every response written in two parts waits ~40 ms for the
client's delayed ACK; these tests check the option on the listener and on a connection it accepts.
"""

from __future__ import annotations

import asyncio
import socket

import click
import pytest

from wecom_suite.cli.listening import bind_listening_socket
from wecom_suite.serving import listener_problems


def test_bound_socket_has_tcp_nodelay_and_the_tcp_protocol_number() -> None:
    sock = bind_listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0
        assert listener_problems(sock) == []
    finally:
        sock.close()


def test_the_check_names_what_a_default_socket_lacks() -> None:
    with socket.socket() as plain:  # what the CLI used to bind
        problems = listener_problems(plain)
    assert len(problems) == 2
    assert "IPPROTO_TCP" in problems[0]
    assert "TCP_NODELAY" in problems[1]


async def accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of the server side of one connection accepted by asyncio on ``listener`` (as uvicorn does)."""
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            if not seen.done():
                seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    try:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(seen, 10)
        finally:
            writer.close()
    finally:
        server.close()
        await server.wait_closed()


async def test_connections_accepted_on_the_bound_socket_have_tcp_nodelay() -> None:
    assert await accepted_nodelay(bind_listening_socket("127.0.0.1", 0)) != 0


async def test_connections_accepted_on_a_default_socket_do_not() -> None:
    """The control: the same probe sees Nagle left on for a socket bound the old way."""
    plain = socket.socket()
    plain.bind(("127.0.0.1", 0))
    plain.listen(8)
    assert await accepted_nodelay(plain) == 0


def test_ipv6_loopback_gets_the_same_options() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        sock = bind_listening_socket("::1", 0)
    except click.ClickException as exc:
        pytest.skip(f"IPv6 loopback not configured: {exc.message}")
    try:
        assert listener_problems(sock) == []
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) != 0
    finally:
        sock.close()
