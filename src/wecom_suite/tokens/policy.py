"""When to use, refresh or wait for a cached token: the decisions both token managers share (sans-I/O).

Nothing here touches a store, a socket or the real time; every function takes ``now`` and the stored
token and answers. :mod:`wecom_suite.tokens.flight` strings these decisions into the refresh protocol.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from ..stores.records import StoredToken
from .grant import TokenGrant

__all__ = ["DEFAULT_POLICY", "CachedToken", "Plan", "RefreshPolicy", "lease_name"]


class Plan(str, Enum):
    """What to do with what the store holds."""

    USE = "use"  # good: hand it out
    REFRESH = "refresh"  # missing, expired or a forced refresh: get a new one (or wait for whoever is)
    REFRESH_OR_USE = "refresh_or_use"  # still valid but due: refresh if nobody else is, else hand it out


class CachedToken(NamedTuple):
    """The in-process read-through copy a manager serves without asking the store."""

    token: str
    use_until: float  # serve from memory until then; afterwards ask the store again
    expires_at: float  # still valid for WeCom until then (served while a refresh is in flight)
    refresh_at: float  # due for its early refresh (the background refresher looks here, not in the store)


def lease_name(key: str) -> str:
    """The lock that guards refreshing ``key``."""
    return f"refresh:{key}"


@dataclass(frozen=True, slots=True)
class RefreshPolicy:
    """Timing of early refresh, convergence and waiting.

    * ``early_refresh``: refresh this many seconds before expiry, plus a per-key ``jitter`` in
      ``[0, jitter)`` derived from the key (deterministic, so every process agrees, and 10,000
      companies installed in the same minute do not all refresh in the same second). The margin never
      exceeds half the token's lifetime, so short-lived tokens are still used.
    * ``convergence_window``: a forced :meth:`refresh` within this many seconds of a successful refresh
      returns that result instead of asking WeCom again (the seed's 收敛时间, ~4-5 s).
    * ``lease_seconds``: how long a refresher may hold the lock; a holder that dies (kill -9) is
      replaced after this. Must exceed the fetch's HTTP timeout.
    * ``wait_timeout``: how long a caller waits for another process's refresh before giving up
      (:class:`~wecom_suite.errors.LockTimeout`); longer than ``lease_seconds`` so a dead holder is
      replaced within it.
    * ``poll_interval`` .. ``max_poll_interval``: how often waiters look at the store.
    * ``local_cache_seconds``: how long a manager serves its in-process copy without re-reading the
      store. It bounds how long a process keeps using a token that another process has invalidated
      or replaced (a stale one is also dropped at once when WeCom rejects it and the client calls
      ``invalidate``).
    """

    early_refresh: float = 300.0
    jitter: float = 120.0
    convergence_window: float = 4.0
    lease_seconds: float = 30.0
    wait_timeout: float = 35.0
    poll_interval: float = 0.02
    max_poll_interval: float = 0.25
    local_cache_seconds: float = 30.0

    def __post_init__(self) -> None:
        for name in ("early_refresh", "jitter", "convergence_window", "local_cache_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"RefreshPolicy.{name} must be >= 0")
        for name in ("lease_seconds", "wait_timeout", "poll_interval", "max_poll_interval"):
            if getattr(self, name) <= 0:
                raise ValueError(f"RefreshPolicy.{name} must be > 0")

    def jitter_for(self, key: str) -> float:
        """A stable offset in ``[0, jitter)`` for ``key``: the same in every process and on every host."""
        if not self.jitter:
            return 0.0
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64 * self.jitter

    def refresh_at(self, key: str, stored: StoredToken) -> float:
        """When ``stored`` becomes due for an early refresh."""
        lifetime = max(stored.expires_at - stored.obtained_at, 0.0)
        margin = min(self.early_refresh + self.jitter_for(key), lifetime / 2)
        return stored.expires_at - margin

    def plan(self, key: str, stored: StoredToken | None, now: float, *, force: bool = False) -> Plan:
        if stored is None or now >= stored.expires_at:
            return Plan.REFRESH
        if force:
            return Plan.USE if now - stored.obtained_at < self.convergence_window else Plan.REFRESH
        return Plan.USE if now < self.refresh_at(key, stored) else Plan.REFRESH_OR_USE

    def still_valid(self, stored: StoredToken | CachedToken | None, now: float) -> bool:
        """Whether a token may still be handed out when refreshing it failed (WeCom or the store down):
        an early refresh that fails must not break callers while the current token still works."""
        return stored is not None and now < stored.expires_at

    def stored_from_grant(self, grant: TokenGrant, *, started_at: float, finished_at: float) -> StoredToken:
        """The lifetime counts from when the request was sent (conservative); convergence from its answer."""
        return StoredToken(token=grant.token, expires_at=started_at + grant.expires_in, obtained_at=finished_at)

    def cached(self, key: str, stored: StoredToken, now: float) -> CachedToken:
        due = self.refresh_at(key, stored)
        return CachedToken(stored.token, min(due, now + self.local_cache_seconds), stored.expires_at, due)

    def next_poll(self, previous: float | None) -> float:
        """Back off from ``poll_interval`` to ``max_poll_interval`` while waiting for another refresher."""
        if previous is None:
            return self.poll_interval
        return min(previous * 1.5, self.max_poll_interval)


DEFAULT_POLICY = RefreshPolicy()  # shared by every manager built without a policy (10,000 managers, one object)
