"""Redeem an auth_code (临时授权码) exactly once, even when two paths race for it; never lose its answer.

An install can deliver the same auth_code twice: on the browser's redirect to
``{prefix}/install/callback`` and in a ``create_auth`` callback. The code is single use (a second
``get_permanent_code`` fails with 40078), so whichever path comes first exchanges it, under a
lease in the shared store, and records ``digest(auth_code) -> corp id``; the other path finds that
record and does nothing. This holds across threads, processes and hosts sharing the store.

Write-ahead: before the exchange is sent, a marker records that it was. A process killed after
WeCom answered but before the company was stored leaves that marker; the retry then gets 40078 and
the item becomes a dead letter ``permanent_code_lost`` (the company's admin must install again)
instead of being retried for ever. Without the marker a 40078 means the code was bad or expired:
``invalid_auth_code``. Both are logged once, at ERROR, by the inbox worker.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from ..clock import DEFAULT_CLOCK, Clock
from ..errors import DeadLetter, DeadLetterReason, LockTimeout, WeComError
from ..stores.client_store import ClientStore
from ..stores.records import CompanyRecord, StoredToken

__all__ = ["AuthCodeRedemption", "auth_code_key"]

REDEMPTION_MEMORY = 86_400.0  # an auth_code lives 10 minutes; remembering it for a day is plenty
INVALID_AUTH_CODE = 40078
# WeCom's answers that mean this auth_code will never exchange: used or expired (40078), malformed (40058, e.g.
# "auth_code exceed min length 64"), invalid (40029). Retrying cannot help: a dead letter at once.
REFUSED_AUTH_CODE = frozenset({INVALID_AUTH_CODE, 40058, 40029})


def auth_code_key(suite_id: str, auth_code: str) -> str:
    """The store key of one auth_code's redemption (a digest: the code itself is a secret)."""
    digest = hashlib.sha256(f"{suite_id}\n{auth_code}".encode()).hexdigest()
    return f"auth_code:{suite_id}:{digest}"


class AuthCodeRedemption:
    """``redeem(auth_code)`` -> (company, True if this call exchanged the code)."""

    def __init__(
        self,
        store: ClientStore,
        suite_id: str,
        exchange: Callable[[str, int], CompanyRecord],
        *,
        clock: Clock | None = None,
        lease_seconds: float = 30.0,
        wait_timeout: float = 35.0,
        poll_interval: float = 0.05,
    ) -> None:
        self._store = store
        self._suite_id = suite_id
        self._exchange = exchange  # calls get_permanent_code and saves the company, first thing
        self._clock = clock or DEFAULT_CLOCK
        self._lease_seconds = lease_seconds
        self._wait_timeout = wait_timeout
        self._poll_interval = poll_interval

    def lookup(self, auth_code: str) -> CompanyRecord | None:
        """The company this auth_code was already redeemed for, if any."""
        done = self._store.tokens.get_token(auth_code_key(self._suite_id, auth_code))
        if done is None:
            return None
        return self._store.companies.get_company(self._suite_id, done.token)

    def redeem(self, auth_code: str, *, event_time: int = 0, state: str = "") -> tuple[CompanyRecord, bool]:
        """Raises :class:`DeadLetter` (``permanent_code_lost`` / ``invalid_auth_code``) when WeCom answers 40078,
        :class:`LockTimeout` when another process holds the code too long, and the API's errors otherwise."""
        key = auth_code_key(self._suite_id, auth_code)
        deadline = time.monotonic() + self._wait_timeout
        while True:
            company = self.lookup(auth_code)
            if company is not None:
                return company, False
            lease = self._store.leases.try_acquire(key, lease_seconds=self._lease_seconds)
            if lease is not None:
                try:
                    company = self.lookup(auth_code)
                    if company is not None:
                        return company, False
                    return self._exchange_once(key, auth_code, event_time, state), True
                finally:
                    self._store.leases.release(lease)
            if time.monotonic() > deadline:
                raise LockTimeout(
                    f"another process has been redeeming this auth_code for suite {self._suite_id} "
                    f"for over {self._wait_timeout:.0f} s",
                    hint="check that the WeCom API is reachable from every instance, then try the install again",
                )
            time.sleep(self._poll_interval)  # waiting for another process, not for a clock

    def _exchange_once(self, key: str, auth_code: str, event_time: int, state: str) -> CompanyRecord:
        tokens = self._store.tokens
        sent_key = f"{key}:sent"
        now = self._clock.now()
        sent_before = tokens.get_token(sent_key)
        if sent_before is None:  # written ahead: this exchange may consume the code
            tokens.set_token(sent_key, StoredToken(state or "-", now + REDEMPTION_MEMORY, now))
        try:
            company = self._exchange(auth_code, event_time)
        except WeComError as exc:
            if exc.errcode not in REFUSED_AUTH_CODE:
                if sent_before is None:  # WeCom answered, so it did not consume the code: no marker to keep
                    tokens.delete_token(sent_key)
                raise
            if sent_before is not None and exc.errcode == INVALID_AUTH_CODE:
                raise DeadLetter(
                    DeadLetterReason.PERMANENT_CODE_LOST,
                    f"the auth_code (State {sent_before.token!r}) was exchanged before, but its permanent code "
                    "was never stored (the process stopped in between); WeCom will not give it again",
                    hint="the company's admin must install (authorise) the app again",
                ) from None
            raise DeadLetter(
                DeadLetterReason.INVALID_AUTH_CODE,
                f"WeCom refused the auth_code (errcode {exc.errcode}, State {state!r}): expired, malformed, or "
                "already used elsewhere",
                hint="if no install of that company followed, its admin must install the app again",
            ) from None
        now = self._clock.now()
        tokens.set_token(key, StoredToken(token=company.corp_id, expires_at=now + REDEMPTION_MEMORY, obtained_at=now))
        return company
