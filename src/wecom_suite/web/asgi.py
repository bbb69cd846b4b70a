"""``ASGIAdapter``: any ``WebHandler`` as an ASGI application (uvicorn, hypercorn, Starlette mounts).

The handler is synchronous (sans-I/O core, sync stores); it runs in a worker thread so the event
loop never blocks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread

from .handler import WebHandler
from .request import WebRequest
from .response import WebResponse

__all__ = ["ASGIAdapter"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class ASGIAdapter:
    """Translate ASGI HTTP requests to ``WebRequest`` and back; bodies over ``max_body_size`` get 413."""

    def __init__(self, handler: WebHandler, *, max_body_size: int = 8 << 20) -> None:
        self.handler = handler
        self.max_body_size = max_body_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    # A SuiteApp's (or SuiteGroup's) workers start with the server, unless start_worker=False.
                    start = getattr(self.handler, "autostart", None) or getattr(self.handler, "start", None)
                    if callable(start):
                        await anyio.to_thread.run_sync(start)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    stop = getattr(self.handler, "stop", None)
                    if callable(stop):
                        await anyio.to_thread.run_sync(stop)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"ASGIAdapter serves HTTP only, not {scope['type']!r}")
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_size:
                await _send(send, WebResponse.text(f"body_too_large: more than {self.max_body_size} bytes", 413))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        client = scope.get("client")
        request = WebRequest.from_raw(
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
            {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])},
            b"".join(chunks),
            remote_addr=client[0] if client else None,
        )
        response = await anyio.to_thread.run_sync(self.handler.handle, request)
        await _send(send, response)


async def _send(send: Send, response: WebResponse) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
