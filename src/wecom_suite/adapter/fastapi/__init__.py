"""FastAPI / Starlette: ``add_routes(app, handler, prefix="/wecom")`` or ``routes(handler, prefix)``.

The handler is synchronous and runs in Starlette's thread pool (``run_in_threadpool``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...web import WebHandler, WebRequest

__all__ = ["add_routes", "make_endpoint", "routes"]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def make_endpoint(handler: WebHandler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``handler`` (the raw query string keeps ``+``)."""

    async def endpoint(request: Request) -> Response:
        web_request = WebRequest.from_raw(
            request.method,
            request.url.path,
            request.scope.get("query_string", b""),
            dict(request.headers.items()),
            await request.body(),
            remote_addr=request.client.host if request.client else None,
        )
        result = await run_in_threadpool(handler.handle, web_request)
        return Response(result.body, status_code=result.status, headers=result.headers)

    return endpoint


def routes(handler: WebHandler, prefix: str = "/wecom") -> list[Route]:
    """Routes for ``prefix`` and every sub-path."""
    stem = "/" + prefix.strip("/") if prefix.strip("/") else ""
    endpoint = make_endpoint(handler)
    return [
        Route(stem or "/", endpoint, methods=METHODS, include_in_schema=False),
        Route(stem + "/{subpath:path}", endpoint, methods=METHODS, include_in_schema=False),
    ]


def add_routes(app: Any, handler: WebHandler, prefix: str = "/wecom") -> None:
    """Append the routes to a ``FastAPI`` or ``Starlette`` app (anything with ``.router.routes``)."""
    app.router.routes.extend(routes(handler, prefix))
