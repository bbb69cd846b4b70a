"""Framework-neutral request/response and the ASGI/WSGI apps built on them."""

from .asgi import ASGIAdapter
from .callback_endpoint import CallbackEndpoint, ErrorHandler, Interceptor, callback_error_response
from .handler import WebHandler
from .request import WebRequest, parse_query
from .response import WebResponse
from .wsgi import WSGIAdapter

__all__ = [
    "ASGIAdapter",
    "CallbackEndpoint",
    "ErrorHandler",
    "Interceptor",
    "WSGIAdapter",
    "WebHandler",
    "WebRequest",
    "WebResponse",
    "callback_error_response",
    "parse_query",
]
