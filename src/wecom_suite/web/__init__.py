"""Framework-neutral request/response and the ASGI/WSGI apps built on them."""

from .handler import WebHandler
from .request import WebRequest, parse_query
from .response import WebResponse

__all__ = ["WebHandler", "WebRequest", "WebResponse", "parse_query"]
