"""``check_store``: open the configured store once, up front, so that a store nobody can use is one line.

``serve --check`` and ``serve`` call it before anything listens: a Redis with nothing listening, a SQLite
file in a missing folder, or a Redis URL without the ``redis`` package would otherwise surface later, as a
traceback from the inbox worker every second. It uses only the public store API (``open_store`` and one
read), so it does not depend on any backend's internals.
"""

from __future__ import annotations

from ..errors import StoreError, WeComSuiteError
from ..stores.url import open_store, redact_store_url

__all__ = ["check_store"]

_PROBE_KEY = "wecom-suite:store-check"  # a token key nothing writes: reading it is one cheap round trip


def check_store(url: str) -> None:
    """Open the store ``url`` names and read one key; close it again.

    Returns ``None`` when the store answers. Raises :class:`ConfigError` (``store_url``) when the URL
    needs a package that is not installed, and :class:`StoreError` when the store cannot be reached or
    opened (connection refused, missing directory, wrong password). Both carry a one-sentence hint.
    """
    shown = redact_store_url(url)
    try:
        store = open_store(url)
    except WeComSuiteError:
        raise
    except Exception as exc:
        raise StoreError(
            f"cannot open the store {shown}: {type(exc).__name__}: {exc}",
            hint="check the store URL (WECOM_STORE_URL / store_url)",
        ) from None
    try:
        # A store is a bundle of parts, perhaps from two backends (a cache_url): one read from the tokens
        # part and one from the company registry reach each of them.
        store.tokens.get_token(_PROBE_KEY)
        store.companies.get_company(_PROBE_KEY, _PROBE_KEY)
    except WeComSuiteError:
        raise
    except Exception as exc:
        raise StoreError(
            f"the store {shown} does not answer: {type(exc).__name__}: {exc}",
            hint="check that the store server is running and reachable at the store URL",
        ) from None
    finally:
        store.close()
