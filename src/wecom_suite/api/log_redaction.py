"""Keep tokens out of httpx's own log lines.

WeCom puts tokens in the query string, and httpx logs every request URL (``HTTP Request: GET
https://...?suite_access_token=...``) at INFO. A filter on the ``httpx`` and ``httpcore`` loggers
rewrites each record through :func:`~wecom_suite.redaction.redact_url` before any handler sees it.
"""

from __future__ import annotations

import logging
import threading

from ..redaction import redact_url

__all__ = ["RedactingFilter", "install_log_redaction"]

# httpcore logs through child loggers; a logger's filters only see records logged on it directly.
_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
            "httpcore.socks")
_installed = False
_lock = threading.Lock()


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacts credential query parameters, keeps the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's problem, not ours
            return True
        redacted = redact_url(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        return True


def install_log_redaction() -> None:
    """Idempotent: attach one :class:`RedactingFilter` to httpx's and httpcore's loggers."""
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        for name in _LOGGERS:
            logging.getLogger(name).addFilter(RedactingFilter())
        _installed = True
