"""Flask: ``register(app, handler, prefix="/wecom")`` routes the prefix and every sub-path to the handler."""

from __future__ import annotations

from collections.abc import Callable

from ...web import WebHandler, WebRequest
from .._extra import missing_extra

try:
    from flask import Blueprint, Flask, Response, request
except ImportError as exc:  # the extra is optional: say which one to install
    raise missing_extra("Flask", "flask", exc) from None


__all__ = ["make_view", "register"]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def make_view(handler: WebHandler) -> Callable[..., Response]:
    """A Flask view function calling ``handler`` (the raw query string keeps ``+``)."""

    def view(**_: str) -> Response:
        web_request = WebRequest.from_raw(
            request.method,
            request.path,
            request.query_string,
            dict(request.headers.items()),
            request.get_data(cache=False),
            remote_addr=request.remote_addr,
        )
        result = handler.handle(web_request)
        return Response(result.body, status=result.status, headers=result.headers)

    return view


def register(
    app: Flask | Blueprint, handler: WebHandler, prefix: str = "/wecom", *, endpoint: str = "wecom_suite"
) -> None:
    """Serve ``prefix`` and everything below it with ``handler``."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    view = make_view(handler)
    app.add_url_rule(prefix or "/", endpoint=endpoint, view_func=view, methods=METHODS)
    app.add_url_rule(f"{prefix}/<path:subpath>", endpoint=f"{endpoint}_sub", view_func=view, methods=METHODS)
