"""A ``SuiteApp`` configured for a sandbox, on an in-memory store unless told otherwise.

``SuiteApp(...)`` on its own uses the default store, a SQLite file ``./wecom-suite.db`` in the working
directory: a test that forgets ``store_url`` leaves that file behind. These helpers default to
``memory://``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..app.config import SuiteConfig

if TYPE_CHECKING:
    from ..app.suite_app import SuiteApp
    from ..sandbox import Sandbox

__all__ = ["suite_app_for", "suite_config_for"]


def suite_config_for(sandbox: Sandbox, **overrides: Any) -> SuiteConfig:
    """The settings a service needs to talk to ``sandbox`` (test authorisation, ``memory://`` store)."""
    s = sandbox.settings
    values: dict[str, Any] = {
        "suite_id": s.suite_id,
        "suite_secret": s.suite_secret,
        "token": s.token,
        "encoding_aes_key": s.encoding_aes_key,
        "provider_corp_id": s.provider_corp_id,
        "provider_secret": s.provider_secret,
        "api_base_url": s.api_base_url,
        "install_base_url": s.install_base_url,
        "login_base_url": s.install_base_url,  # the sandbox serves WeCom's sign-in pages on the same host
        "store_url": "memory://",
        "auth_type": "test",
        **overrides,
    }
    return SuiteConfig.from_mapping(values)


def suite_app_for(sandbox: Sandbox, *, store: Any = None, start_worker: bool = True, **overrides: Any) -> SuiteApp:
    """A ``SuiteApp`` for ``sandbox`` sharing its clock; close it (``with``) when done."""
    from ..app.suite_app import SuiteApp

    config = suite_config_for(sandbox, **overrides)
    return SuiteApp(config, store=store, clock=sandbox.clock, start_worker=start_worker)
