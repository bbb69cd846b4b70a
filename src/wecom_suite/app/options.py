"""The keyword options of ``SuiteApp``'s and ``SuiteGroup``'s entry points, as typed dictionaries.

``SuiteApp.__init__`` spells every option and every setting out as a keyword-only parameter (what
``help()`` and ``inspect.signature`` show). The other entry points (``SuiteApp.from_env``/``from_toml``,
``SuiteGroup.from_configs``/``from_toml``) take the same keywords through these ``TypedDict``s, which mypy
checks, and show them in their signatures too (:func:`show_options`). Settings are ``SuiteConfig``'s
fields; tests/app/test_settings_everywhere.py fails when a field is missing from any entry point.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import httpx

from ..clock import Clock
from ..stores.store import Store
from ..web.callback_endpoint import ErrorHandler, Interceptor
from .config import SuiteConfig, SuiteSettings
from .inbox_worker import DeliveryPolicy

__all__ = ["AppOptions", "GroupOptions", "SuiteAppOptions", "show_options", "split_settings"]


class AppOptions(TypedDict, total=False):
    """The objects a suite runs with, which no file or variable can hold (``SuiteApp``'s docstring)."""

    clock: Clock | None
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    start_worker: bool
    interceptor: Interceptor | None
    error_handler: ErrorHandler | None
    delivery: DeliveryPolicy | None


class SuiteAppOptions(AppOptions, SuiteSettings, total=False):
    """Everything ``SuiteApp(...)`` takes besides ``config``: the objects, the store, and the settings."""

    store: Store | None


class GroupOptions(AppOptions, SuiteSettings, total=False):
    """What ``SuiteGroup.from_toml`` takes: every app's objects, and settings that win over the file."""


def split_settings(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the settings among ``options``, the rest)."""
    settings = {k: v for k, v in options.items() if k in SuiteConfig.model_fields}
    return settings, {k: v for k, v in options.items() if k not in settings}


def show_options(function: Callable[..., Any], source: Callable[..., Any], *, leave_out: tuple[str, ...] = ()) -> None:
    """Give ``function`` (which takes ``**options``) a signature listing ``source``'s keyword-only
    parameters in their place, so that ``help()`` and ``inspect.signature`` show every option by name."""
    own = [p for p in inspect.signature(function).parameters.values() if p.kind is not p.VAR_KEYWORD]
    names = {p.name for p in own}
    added = [
        p
        for p in inspect.signature(source).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.name not in names and p.name not in leave_out
    ]
    function.__signature__ = inspect.Signature([*own, *added])  # type: ignore[attr-defined]
