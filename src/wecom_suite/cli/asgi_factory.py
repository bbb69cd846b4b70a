"""The ASGI app uvicorn imports in each worker process of ``wecom-suite serve --workers N``.

Worker processes cannot receive the parent's objects, only its environment: the configuration is
read again from ``WECOM_SUITE_CONFIG`` (a TOML file) or the ``WECOM_*`` variables, and logging is
configured again from ``WECOM_LOG_FORMAT`` / ``WECOM_LOG_LEVEL`` (a worker does not inherit the parent's).
"""

from __future__ import annotations

import os
from typing import Any

from .. import metrics
from ..app.config import SuiteConfig, load_configs
from ..app.suite_group import SuiteGroup
from .log_setup import configure_logging_from_env, register_config_secrets

__all__ = ["create_asgi"]

CONFIG_ENV = "WECOM_SUITE_CONFIG"
SUITE_ENV = "WECOM_SUITE_SELECT"


def create_asgi() -> Any:
    """The ASGI app of every configured suite; logging as the parent process chose (``WECOM_LOG_FORMAT``)."""
    configure_logging_from_env()
    path = os.environ.get(CONFIG_ENV)
    chosen = os.environ.get(SUITE_ENV) or None
    if path:  # the chosen table first, as the parent did (cli/loading.py): WECOM_* apply to it alone
        configs = load_configs(path, suite=chosen)
    else:
        configs = [c for c in [SuiteConfig.from_env()] if not chosen or chosen in (c.name, c.suite_id)]
    register_config_secrets(configs)
    metrics.enable_from_env()  # serve --metrics (the default) says so through WECOM_METRICS
    group = SuiteGroup.from_configs(configs)  # every setting (warm_tokens too) is in the configs
    group.start()  # each worker process processes its inbox from the start, not from its first request
    return group.asgi()
