"""Which socket belongs to which request, so the ``drop`` fault can hang up without answering.

ASGI gives an app no handle on its connection; this uvicorn protocol subclass records each
connection's transport by the peer address that ASGI exposes as ``scope["client"]``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from starlette.types import Scope
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ConnectionRegistry"]


class ConnectionRegistry:
    """Open connections by peer address; ``protocol_class()`` is the uvicorn protocol that fills it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._transports: dict[tuple[str, int], asyncio.Transport] = {}

    def protocol_class(self) -> type[H11Protocol]:
        registry = self

        class RecordingH11Protocol(H11Protocol):
            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                super().connection_made(transport)
                if self.client is not None:
                    registry._add(self.client, transport)

            def connection_lost(self, exc: Exception | None) -> None:
                if self.client is not None:
                    registry._remove(self.client)
                super().connection_lost(exc)

        return RecordingH11Protocol

    def _add(self, client: tuple[str, int], transport: asyncio.Transport) -> None:
        with self._lock:
            self._transports[client] = transport

    def _remove(self, client: tuple[str, int]) -> None:
        with self._lock:
            self._transports.pop(client, None)

    def drop(self, scope: Scope) -> bool:
        """Close the connection that carried this request (no response at all); False if unknown."""
        client: Any = scope.get("client")
        if not client:
            return False
        with self._lock:
            transport = self._transports.get((client[0], client[1]))
        if transport is None:
            return False
        transport.close()  # a plain FIN: the client sees "disconnected without a response"
        return True
