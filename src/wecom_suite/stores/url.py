"""Pick and open a store backend from a URL, as configuration files and environment variables give it."""

from __future__ import annotations

from ..clock import Clock
from ..errors.config import ConfigError
from ..redaction import redact_store_url
from .store import Store

__all__ = ["STORE_SCHEMES", "open_store", "redact_store_url", "sqlite_path"]

STORE_SCHEMES = ("memory", "sqlite", "redis", "rediss", "unix")
"""The URL schemes ``open_store`` opens (and configuration accepts)."""

_EXAMPLES = "memory://, sqlite:///var/lib/wecom-suite.db, sqlite:///./relative.db, redis://host:6379/0"


def _bad(url: str, problem: str) -> ConfigError:
    error = ConfigError("store_url", f"{problem}: {redact_store_url(url)!r}")
    error.hint = f"use one of {_EXAMPLES}"
    return error


def sqlite_path(url: str) -> str:
    """``sqlite:///abs/x.db`` -> ``/abs/x.db``; ``sqlite:///./x.db`` -> ``./x.db`` (relative to the cwd)."""
    rest = url[len("sqlite://") :].split("?", 1)[0]
    if not rest.startswith("/") or rest.strip("/") in {"", "."}:
        raise _bad(url, "a sqlite URL needs a file path after sqlite:///")
    if rest.startswith(("/./", "/../")):
        return rest[1:]
    return "/" + rest.lstrip("/")


def open_store(url: str, clock: Clock | None = None) -> Store:
    """Open the store ``url`` names. Redis needs the ``redis`` extra (``pip install wecom-suite[redis]``)."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme == "memory":
        from .memory import MemoryStore

        return MemoryStore(clock)
    if scheme == "sqlite":
        from .sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url), clock)
    if scheme in STORE_SCHEMES:  # redis, rediss, unix
        from .redis import RedisStore

        return RedisStore(url, clock)
    raise _bad(url, "unknown store URL scheme")
