"""Django: ``urlpatterns += wecom_urlpatterns(handler, prefix="wecom/")`` (CSRF-exempt: WeCom signs instead)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...web import WebHandler, WebRequest
from .._extra import missing_extra

try:
    from django.http import HttpRequest, HttpResponse
    from django.urls import re_path
except ImportError as exc:  # the extra is optional: say which one to install
    raise missing_extra("Django", "django", exc) from None


__all__ = ["make_view", "wecom_urlpatterns"]


def make_view(handler: WebHandler) -> Callable[..., HttpResponse]:
    """A CSRF-exempt Django view calling ``handler`` (the raw ``QUERY_STRING`` keeps ``+``)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        web_request = WebRequest.from_raw(
            request.method or "GET",
            request.path,
            request.META.get("QUERY_STRING", ""),
            dict(request.headers.items()),
            request.body,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
        result = handler.handle(web_request)
        response = HttpResponse(result.body, status=result.status)
        for key, value in result.headers.items():
            response[key] = value
        return response

    view.csrf_exempt = True  # type: ignore[attr-defined]  # what django.views.decorators.csrf.csrf_exempt sets
    return view


def wecom_urlpatterns(handler: WebHandler, prefix: str = "wecom/", *, name: str = "wecom_suite") -> list[Any]:
    """URL patterns sending ``prefix`` and every sub-path to ``handler``."""
    stem = re.escape(prefix.strip("/"))
    pattern = rf"^{stem}(?:/.*)?$" if stem else r"^.*$"
    return [re_path(pattern, make_view(handler), name=name)]
