"""Token managers: cached, refreshed early with jitter, fetched once across threads, tasks, processes, hosts."""

from __future__ import annotations

from ..stores.token_keys import agent_ticket_key, corp_token_key, jsapi_ticket_key, provider_token_key, suite_token_key
from .async_manager import AsyncTokenManager
from .grant import TokenGrant
from .manager import TokenManager, TokenStoreWithLocks
from .policy import CachedToken, Plan, RefreshPolicy
from .refresher import TokenRefresher

__all__ = [
    "AsyncTokenManager",
    "CachedToken",
    "Plan",
    "RefreshPolicy",
    "TokenGrant",
    "TokenManager",
    "TokenRefresher",
    "TokenStoreWithLocks",
    "agent_ticket_key",
    "corp_token_key",
    "jsapi_ticket_key",
    "provider_token_key",
    "suite_token_key",
]
