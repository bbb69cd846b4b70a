"""What a suite's API clients are built from: the one factory of ``SuiteClient`` / ``AsyncSuiteClient``
arguments, used by ``SuiteApp`` (both clients) and by the CLI (``token ... --fetch``)."""

from __future__ import annotations

from typing import TypedDict

from ..clock import DEFAULT_CLOCK, Clock
from ..stores.store import Store
from .config import SuiteConfig, reveal

__all__ = ["ClientOptions", "client_options"]


class ClientOptions(TypedDict):
    """Keyword arguments shared by ``SuiteClient`` and ``AsyncSuiteClient`` (the transport is each one's own)."""

    suite_id: str
    suite_secret: str
    store: Store
    provider_corp_id: str | None
    provider_secret: str | None
    base_url: str
    clock: Clock


def client_options(config: SuiteConfig, store: Store, clock: Clock | None = None) -> ClientOptions:
    """The client arguments for the suite ``config`` describes, caching tokens in ``store`` and timing them
    with ``clock`` (default: the system clock).

    The provider corp id is passed only with a provider secret: a client takes both or neither (it needs
    both for the provider_access_token, 服务商凭证, https://developer.work.weixin.qq.com/document/path/91200),
    while a suite may set the corp id alone, to receive system events."""
    return ClientOptions(
        suite_id=config.suite_id,
        suite_secret=reveal(config.suite_secret),
        store=store,
        provider_corp_id=config.provider_corp_id if config.provider_secret else None,
        provider_secret=reveal(config.provider_secret),
        base_url=config.api_base_url,
        clock=clock or DEFAULT_CLOCK,
    )
