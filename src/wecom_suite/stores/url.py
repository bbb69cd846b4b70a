"""Pick and open a store backend from a URL, as configuration files and environment variables give it."""

from __future__ import annotations

from collections.abc import Sequence

from ..clock import Clock
from ..errors.config import ConfigError
from ..redaction import redact_store_url
from .store import Store

__all__ = ["POSTGRES_SCHEMES", "REDIS_SCHEMES", "STORE_SCHEMES", "open_store", "redact_store_url", "sqlite_path"]

# The one list of store URL schemes: configuration, the PostgreSQL backend and ``open_store`` read these.
REDIS_SCHEMES = ("redis", "rediss", "unix")
"""Schemes the Redis backend opens (redis-py's own: TCP, TLS, a Unix socket)."""
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
"""Schemes the PostgreSQL backend opens (libpq's two, and SQLAlchemy's spelling for psycopg 3)."""
STORE_SCHEMES = ("memory", "sqlite", *REDIS_SCHEMES, *POSTGRES_SCHEMES)
"""The URL schemes ``open_store`` opens (and configuration accepts)."""

_EXAMPLES = (
    "memory://, sqlite:///var/lib/wecom-suite.db, sqlite:///./relative.db, redis://host:6379/0, "
    "postgresql://user:password@host:5432/dbname"
)


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


def open_store(
    url: str,
    clock: Clock | None = None,
    *,
    cache_url: str | None = None,
    secret_keys: Sequence[str] | None = None,
) -> Store:
    """Open the store ``url`` names; with ``cache_url``, the tokens, leases and install states live there.

    With ``secret_keys`` (``SuiteConfig.secret_keys``: current key first), permanent codes, tokens,
    suite_tickets and inbox payloads are sealed at rest (:func:`~wecom_suite.stores.sealed.seal_store`);
    an empty list seals nothing but refuses to read sealed values as plain ones. None: no wrapper.

    ``url`` holds what must not be lost (tickets, the company registry, the inbox); ``cache_url`` what
    can be fetched again (tokens, leases, short-lived install/login states). So a deployment can keep
    the registry in PostgreSQL and the tokens in Redis (``WECOM_STORE_URL`` + ``WECOM_CACHE_URL``).
    Redis needs the ``redis`` extra, PostgreSQL the ``postgres`` extra.
    """
    store = _open_both(url, clock, cache_url)
    if secret_keys is None:
        return store
    from .sealed import seal_store

    try:
        return seal_store(store, secret_keys)
    except ValueError as exc:
        store.close()
        raise ConfigError("secret_key", str(exc), hint="make one: openssl rand -hex 32") from None


def _open_both(url: str, clock: Clock | None, cache_url: str | None) -> Store:
    main = _open_one(url, clock)
    if not cache_url or cache_url == url:
        return main
    try:
        cache = _open_one(cache_url, clock)
    except BaseException:
        main.close()
        raise
    return Store(
        tickets=main.tickets,
        tokens=cache.tokens,
        leases=cache.leases,
        companies=main.companies,
        inbox=main.inbox,
        install_states=cache.install_states,
        url=f"{redact_store_url(url)} (cache: {redact_store_url(cache_url)})",  # shown, never reopened
        closers=(main.close, cache.close),
    )


def _open_one(url: str, clock: Clock | None) -> Store:
    try:
        return _open_backend(url, clock)
    except ImportError as exc:  # a core install given a Redis or PostgreSQL URL: one line, with the extra to add
        scheme = url.partition("://")[0].lower()
        extra = "postgres" if scheme.startswith("postgres") else "redis"
        error = ConfigError("store_url", f"a {scheme}:// store needs the {exc.name or extra} package, not installed")
        error.hint = f"pip install 'wecom-suite[{extra}]'"
        raise error from None


def _open_backend(url: str, clock: Clock | None) -> Store:
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme == "memory":
        from .memory import MemoryStore

        return MemoryStore(clock)
    if scheme == "sqlite":
        from .sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url), clock)
    if scheme in REDIS_SCHEMES:
        from .redis import RedisStore

        return RedisStore(url, clock)
    if scheme in POSTGRES_SCHEMES:
        from .postgres import PostgresStore

        return PostgresStore(url, clock)
    raise _bad(url, "unknown store URL scheme")
