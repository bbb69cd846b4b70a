"""Test helpers for users of wecom-suite.

- the ``wecom_sandbox`` and ``wecom_suite_service`` pytest fixtures (see :mod:`.plugin`);
- :func:`serve_in_thread`: serve a ``SuiteApp`` (or any ASGI app) over loopback, yielding its base URL;
- :func:`suite_app_for`: a ``SuiteApp`` configured for a sandbox, on ``memory://`` unless told otherwise.

Imported lazily, so that the pytest plugin (registered for every test session) costs nothing until used.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["bind_loopback", "serve_in_thread", "suite_app_for", "suite_config_for"]

_HOMES = {
    "bind_loopback": "server",
    "serve_in_thread": "server",
    "suite_app_for": "suite",
    "suite_config_for": "suite",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
