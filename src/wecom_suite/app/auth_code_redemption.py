"""Redeem an auth_code (临时授权码) exactly once, even when two paths race for it.

An install can deliver the same auth_code twice: on the browser's redirect to
``{prefix}/install/callback`` and in a ``create_auth`` callback. The code is single use (a second
``get_permanent_code`` fails with 40078), so whichever path comes first exchanges it, under a
lease in the shared store, and records ``digest(auth_code) -> corp id``; the other path finds that
record and does nothing. This holds across threads, processes and hosts sharing the store.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Protocol

from ..clock import DEFAULT_CLOCK, Clock
from ..errors import LockTimeout
from ..stores.company_registry import CompanyRegistry
from ..stores.lock import LockProvider
from ..stores.records import CompanyRecord, StoredToken
from ..stores.token_store import TokenStore

__all__ = ["AuthCodeRedemption", "auth_code_key"]

REDEMPTION_MEMORY = 86_400.0  # an auth_code lives 10 minutes; remembering it for a day is plenty


def auth_code_key(suite_id: str, auth_code: str) -> str:
    """The store key of one auth_code's redemption (a digest: the code itself is a secret)."""
    digest = hashlib.sha256(f"{suite_id}\n{auth_code}".encode()).hexdigest()
    return f"auth_code:{suite_id}:{digest}"


class _RedemptionStore(TokenStore, LockProvider, CompanyRegistry, Protocol):
    """What redemption needs from the store."""


class AuthCodeRedemption:
    """``redeem(auth_code)`` -> (company, True if this call exchanged the code)."""

    def __init__(
        self,
        store: _RedemptionStore,
        suite_id: str,
        exchange: Callable[[str], CompanyRecord],
        *,
        clock: Clock | None = None,
        lease_seconds: float = 30.0,
        wait_timeout: float = 35.0,
        poll_interval: float = 0.05,
    ) -> None:
        self._store = store
        self._suite_id = suite_id
        self._exchange = exchange  # calls get_permanent_code and saves the company
        self._clock = clock or DEFAULT_CLOCK
        self._lease_seconds = lease_seconds
        self._wait_timeout = wait_timeout
        self._poll_interval = poll_interval

    def lookup(self, auth_code: str) -> CompanyRecord | None:
        """The company this auth_code was already redeemed for, if any."""
        done = self._store.get_token(auth_code_key(self._suite_id, auth_code))
        if done is None:
            return None
        return self._store.get_company(self._suite_id, done.token)

    def redeem(self, auth_code: str) -> tuple[CompanyRecord, bool]:
        key = auth_code_key(self._suite_id, auth_code)
        deadline = time.monotonic() + self._wait_timeout
        while True:
            company = self.lookup(auth_code)
            if company is not None:
                return company, False
            lease = self._store.try_acquire(key, lease_seconds=self._lease_seconds)
            if lease is not None:
                try:
                    company = self.lookup(auth_code)
                    if company is not None:
                        return company, False
                    company = self._exchange(auth_code)
                    now = self._clock.now()
                    self._store.set_token(
                        key, StoredToken(token=company.corp_id, expires_at=now + REDEMPTION_MEMORY, obtained_at=now)
                    )
                    return company, True
                finally:
                    self._store.release(lease)
            if time.monotonic() > deadline:
                raise LockTimeout(
                    f"another process has been redeeming this auth_code for suite {self._suite_id} "
                    f"for over {self._wait_timeout:.0f} s",
                    hint="check that the WeCom API is reachable from every instance, then try the install again",
                )
            time.sleep(self._poll_interval)  # waiting for another process, not for a clock
