"""The ASGI app uvicorn imports in each worker process of ``wecom-suite serve --workers N``.

Worker processes cannot receive the parent's objects, only its environment: the configuration is
read again from ``WECOM_SUITE_CONFIG`` (a TOML file) or the ``WECOM_*`` variables.
"""

from __future__ import annotations

import os
from typing import Any

from .. import metrics
from ..app.config import SuiteConfig, load_configs
from ..app.suite_group import SuiteGroup

__all__ = ["create_asgi"]

CONFIG_ENV = "WECOM_SUITE_CONFIG"
SUITE_ENV = "WECOM_SUITE_SELECT"
WARM_TOKENS_ENV = "WECOM_WARM_TOKENS"


def create_asgi() -> Any:
    path = os.environ.get(CONFIG_ENV)
    configs = load_configs(path) if path else [SuiteConfig.from_env()]
    chosen = os.environ.get(SUITE_ENV)
    if chosen:
        configs = [c for c in configs if chosen in (c.name, c.suite_id)]
    warm = os.environ.get(WARM_TOKENS_ENV, "").lower() in {"1", "true", "yes"}
    metrics.enable_from_env()  # serve --metrics (the default) says so through WECOM_METRICS
    return SuiteGroup.from_configs(configs, warm_tokens=warm).asgi()
