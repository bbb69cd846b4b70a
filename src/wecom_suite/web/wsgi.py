"""``WSGIAdapter``: any ``WebHandler`` as a WSGI application (gunicorn, uWSGI, waitress)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from .handler import WebHandler
from .request import WebRequest
from .response import WebResponse

__all__ = ["WSGIAdapter"]

StartResponse = Callable[..., Any]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WSGIAdapter:
    """Translate a WSGI environ to ``WebRequest`` and back; bodies over ``max_body_size`` get 413."""

    def __init__(self, handler: WebHandler, *, max_body_size: int = 8 << 20) -> None:
        self.handler = handler
        self.max_body_size = max_body_size

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        response = self._respond(environ)
        headers = [(k, v) for k, v in response.headers.items()]
        headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {_reason(response.status)}", headers)
        return [response.body]

    def _respond(self, environ: dict[str, Any]) -> WebResponse:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return WebResponse.text("bad Content-Length", 400)
        if length > self.max_body_size:
            return WebResponse.text(f"body_too_large: more than {self.max_body_size} bytes", 413)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        # PEP 3333 hands the path over as latin-1-decoded bytes; recover the UTF-8 text.
        path = (
            (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
        )
        request = WebRequest.from_raw(
            environ.get("REQUEST_METHOD", "GET"),
            path or "/",
            environ.get("QUERY_STRING", ""),
            headers,
            body,
            remote_addr=environ.get("REMOTE_ADDR"),
        )
        return self.handler.handle(request)
