"""What a web adapter serves: anything with ``handle(WebRequest) -> WebResponse``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .request import WebRequest
from .response import WebResponse

__all__ = ["WebHandler"]


@runtime_checkable
class WebHandler(Protocol):
    """Synchronous request handler. Adapters for async servers run it in a worker thread."""

    def handle(self, request: WebRequest) -> WebResponse: ...
