"""The operator's endpoints of a ``SuiteApp``: health probes, metrics and the console, in one dispatch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import metrics
from ..web.request import WebRequest
from ..web.response import WebResponse
from .console import console_off
from .health import healthz, readyz
from .paths import CONSOLE_PATH, HEALTHZ_PATH, METRICS_PATH, READYZ_PATH

if TYPE_CHECKING:  # pragma: no cover
    from .suite_app import SuiteApp

__all__ = ["OPERATOR_PATHS", "is_operator_path", "metrics_response", "operator_response"]

OPERATOR_PATHS = (HEALTHZ_PATH, READYZ_PATH, METRICS_PATH, CONSOLE_PATH)


def is_operator_path(path: str) -> bool:
    """``path`` (under the prefix) is one of ours: a probe, the metrics, or a console page."""
    return path in OPERATOR_PATHS or path.startswith(CONSOLE_PATH + "/")


def operator_response(app: SuiteApp, request: WebRequest, endpoint: str) -> WebResponse:
    if endpoint.startswith(CONSOLE_PATH):
        if app.console is None:
            return console_off(app.config.url_prefix)
        return app.console.handle(request, endpoint)
    if request.method.upper() not in ("GET", "HEAD"):
        response = WebResponse.text("method not allowed", status=405)
        response.headers["allow"] = "GET"
        return response
    if endpoint == HEALTHZ_PATH:
        return healthz(app)
    if endpoint == READYZ_PATH:
        return readyz(app, request)
    return metrics_response()


def metrics_response() -> WebResponse:
    """``GET /metrics``: the Prometheus text format, or 404 saying how to turn metrics on."""
    if not metrics.enabled():
        return WebResponse.text(
            "metrics are off: `wecom-suite serve` turns them on (--metrics, the default); a library user calls "
            "wecom_suite.metrics.enable()",
            status=404,
        )
    body, content_type = metrics.render()
    return WebResponse(200, body, {"content-type": content_type, "cache-control": "no-store"})
