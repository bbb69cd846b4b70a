"""An optional background thread that keeps tokens warm (the seed's token daemon, made stoppable).

Callers then rarely wait on WeCom: each managed token is refreshed when it reaches its early-refresh
point (with its per-key jitter), under the same lease as any caller, so running a refresher in every
process still fetches each token once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ..background import BackgroundLoop
from ..clock import DEFAULT_CLOCK, Clock
from .manager import TokenManager

__all__ = ["TokenRefresher"]

log = logging.getLogger("wecom_suite.tokens")


class TokenRefresher:
    """Refresh ``managers`` (a collection, or a callable returning the current ones, e.g. the suite token
    plus every active company's token) as they come due.

    ``run_once()`` does one pass and returns when the next token is due; tests call it with a
    ``ManualClock``. ``start()``/``stop()`` (or ``with``) run passes in a daemon thread.
    """

    def __init__(
        self,
        managers: Iterable[TokenManager] | Callable[[], Iterable[TokenManager]],
        *,
        clock: Clock | None = None,
        max_sleep: float = 60.0,
        retry_after: float = 30.0,
    ) -> None:
        self._source = managers if callable(managers) else (lambda: managers)
        self.clock = clock or DEFAULT_CLOCK
        self.max_sleep = max_sleep
        self.retry_after = retry_after
        self.errors = 0
        self._retry_at: dict[str, float] = {}
        self._loop = BackgroundLoop(
            "wecom-suite-token-refresher", self._wait_after_pass, error_wait=retry_after, on_error=self._count_error
        )

    def run_once(self) -> float:
        """Refresh every manager that is due; return the earliest time another one will be due."""
        now = self.clock.now()
        next_due = now + self.max_sleep
        for manager in list(self._source()):
            if self._loop.stopping:
                break
            due = max(manager.refresh_due_at(), self._retry_at.get(manager.key, 0.0))
            if due <= now:
                due = self._refresh(manager, now)
            next_due = min(next_due, due)
        return next_due

    def _refresh(self, manager: TokenManager, now: float) -> float:
        try:
            manager.token()
        except Exception:
            self.errors += 1
            log.warning("background refresh of %s failed; retrying in %.0f s", manager.key, self.retry_after,
                        exc_info=True)
            self._retry_at[manager.key] = now + self.retry_after
            return now + self.retry_after
        self._retry_at.pop(manager.key, None)
        due = manager.refresh_due_at()
        if due <= now:  # still due: another process is refreshing, or the refresh failed and the
            due = now + self.retry_after  # current token stays in use; either way, look again later
            self._retry_at[manager.key] = due
        return due

    def _wait_after_pass(self) -> float:
        """One pass for the background thread: seconds until the next token is due (at most ``max_sleep``)."""
        next_due = self.run_once()
        return min(max(next_due - self.clock.now(), 0.0), self.max_sleep)

    def _count_error(self, exc: BaseException) -> None:  # a broken manager source must not kill the daemon
        self.errors += 1

    def start(self) -> TokenRefresher:
        self._loop.start()
        return self

    def stop(self, timeout: float | None = 10.0) -> None:
        self._loop.stop(timeout)

    @property
    def running(self) -> bool:
        return self._loop.running

    def __enter__(self) -> TokenRefresher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
