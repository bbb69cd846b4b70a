"""Logging for the long-running commands: one line per callback, token refresh and install.

One configuration (:func:`logging_config`, a ``logging.config.dictConfig`` dict) serves the parent
process and every worker of ``serve --workers N``: uvicorn applies it in each worker it starts (its
``log_config``), and the ASGI factory applies it again from ``WECOM_LOG_FORMAT`` / ``WECOM_LOG_LEVEL``
for servers that start the factory themselves. Without it, a worker logs only warnings, bare.

``text``: ``2026-01-02 03:04:05 INFO    wecom_suite.install: ...``; ``json``: one object a line
(``time``, ``level``, ``logger``, ``process``, ``message``, ``exc_info``) for log shippers.
Every handler redacts credential query parameters and the configured secrets (:func:`register_secrets`).
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ..api.log_redaction import RedactingFilter
from ..redaction import redact

__all__ = [
    "LOG_FORMATS",
    "LOG_FORMAT_ENV",
    "LOG_LEVEL_ENV",
    "LOG_PROCESSES_ENV",
    "JsonFormatter",
    "SecretFilter",
    "configure_logging",
    "configure_logging_from_env",
    "logging_config",
    "register_config_secrets",
    "register_secrets",
]

LOG_FORMATS = ("text", "json")
LOG_FORMAT_ENV = "WECOM_LOG_FORMAT"
LOG_LEVEL_ENV = "WECOM_LOG_LEVEL"
LOG_PROCESSES_ENV = "WECOM_LOG_PROCESSES"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
TEXT_FORMAT_PROCESSES = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"  # serve --workers N
QUIET = ("httpx", "httpcore")  # one line per request at INFO: the library logs what matters itself

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secrets(values: Iterable[str | None]) -> None:
    """Values (suite secrets, Tokens, EncodingAESKeys) that must never reach a log line whole.

    Short values (under 8 characters) are ignored: replacing them would mangle ordinary words.
    """
    with _secrets_lock:
        _secrets.update(v for v in values if v and len(v) >= 8)


_CONFIG_SECRETS = (
    "suite_secret", "token", "encoding_aes_key", "previous_encoding_aes_key", "provider_secret", "secret_key",
    "console_token",
)


def register_config_secrets(configs: Iterable[object]) -> None:
    """:func:`register_secrets` for every secret setting of some ``SuiteConfig``s (``SecretStr`` or text)."""

    def text(value: object) -> str | None:
        reveal = getattr(value, "get_secret_value", None)
        return str(reveal()) if callable(reveal) else (value if isinstance(value, str) else None)

    register_secrets(text(getattr(config, name, None)) for config in configs for name in _CONFIG_SECRETS)


class SecretFilter(RedactingFilter):
    """Credential query parameters (``access_token=…``) and every registered secret, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        if not _secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for value in sorted(_secrets, key=len, reverse=True):
            if value in cleaned:
                cleaned = cleaned.replace(value, redact(value))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (ISO 8601, UTC), ``level``, ``logger``, ``process``, ``message``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(
    *,
    verbose: bool = False,
    log_format: str = "text",
    access_log: bool = False,
    server_lines: bool = True,
    processes: bool = False,
) -> dict[str, Any]:
    """The ``dictConfig`` for our loggers, uvicorn's and the root (so library loggers are kept).

    ``log_format``: ``text`` or ``json``. ``access_log``: uvicorn's one line per request (off: WeCom's
    pushes are already logged, once, by the library). ``server_lines``: uvicorn's start/stop lines at INFO.
    ``processes``: text lines name their process (``[1234]``), for several workers (JSON lines always do).
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    level = "DEBUG" if verbose else "INFO"
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT_PROCESSES if processes else TEXT_FORMAT, "datefmt": "%Y-%m-%d %H:%M:%S"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "wecom",
        "filters": ["secrets"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"secrets": {"()": f"{__name__}.SecretFilter"}},
        "formatters": {"wecom": formatter},
        "handlers": {"wecom": handler},
        "root": {"handlers": ["wecom"], "level": level},
        "loggers": {
            # uvicorn's own loggers propagate to the root: the same format, one handler
            "uvicorn": {"handlers": [], "level": "INFO" if server_lines else "WARNING", "propagate": True},
            "uvicorn.error": {"handlers": [], "level": "INFO" if server_lines else "WARNING", "propagate": True},
            "uvicorn.access": {
                "handlers": [],
                "level": "INFO" if access_log else "WARNING",
                "propagate": True,
            },
            **{name: {"level": "DEBUG" if verbose else "WARNING"} for name in QUIET},
        },
    }


def configure_logging(
    verbose: bool = False, log_format: str = "text", *, server_lines: bool = True, processes: bool = False
) -> None:
    """Apply :func:`logging_config` to this process."""
    logging.config.dictConfig(
        logging_config(verbose=verbose, log_format=log_format, server_lines=server_lines, processes=processes)
    )


def configure_logging_from_env() -> bool:
    """In a worker process: apply the parent's choice if it left one in the environment; whether it did."""
    log_format = os.environ.get(LOG_FORMAT_ENV)
    if not log_format:
        return False
    configure_logging(
        os.environ.get(LOG_LEVEL_ENV, "").upper() == "DEBUG",
        log_format,
        processes=os.environ.get(LOG_PROCESSES_ENV) == "1",
    )
    return True
