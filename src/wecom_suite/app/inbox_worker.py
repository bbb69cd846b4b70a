"""Processes the callback inbox: record first, answer ``success``, do the work here afterwards.

WeCom wants ``success`` within 1000 ms, but exchanging an auth_code takes API calls. The web
handler only writes the callback to the store's inbox; this worker claims items under a lease,
processes them and marks them complete. A process that dies mid-way leaves its lease to run out,
and the item is claimed again (here, or by another instance sharing the store).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..background import BackgroundLoop
from ..backoff import Backoff
from ..clock import DEFAULT_CLOCK, Clock
from ..stores.inbox import CallbackInbox
from ..stores.records import InboxItem

__all__ = ["InboxWorker"]

logger = logging.getLogger("wecom_suite.inbox")

_MAX_ERROR_TEXT = 500
# Failed items are never dropped (an acknowledged callback must not be lost): the cap bounds how often a
# permanently failing item is retried, not how many times.
RETRY_BACKOFF = Backoff(base=2.0, factor=2.0, max_delay=600.0, jitter=0.25)


class InboxWorker:
    """Claims and processes one suite's inbox items; ``drain()`` synchronously, ``start()`` in a thread."""

    def __init__(
        self,
        inbox: CallbackInbox,
        suite_id: str,
        process: Callable[[InboxItem], None],
        *,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        lease_seconds: float = 60.0,
        idle_wait: float = 1.0,
    ) -> None:
        self._inbox = inbox
        self._suite_id = suite_id
        self._process = process
        self._clock = clock or DEFAULT_CLOCK
        self._backoff = backoff or RETRY_BACKOFF
        self._lease_seconds = lease_seconds
        self._idle_wait = idle_wait
        self._loop = BackgroundLoop(f"wecom-inbox-{suite_id}", self._pass, error_wait=idle_wait)

    def run_once(self) -> InboxItem | None:
        """Claim and process one ready item; the item (or None when nothing was ready)."""
        item = self._inbox.claim(self._suite_id, now=self._clock.now(), lease_seconds=self._lease_seconds)
        if item is None:
            return None
        try:
            self._process(item)
        except Exception as exc:
            attempts = item.attempts + 1
            delay = self._backoff.delay(attempts)
            error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_TEXT]
            level = logging.ERROR if attempts >= 5 else logging.WARNING
            logger.log(
                level,
                "suite %s: processing callback %s failed (attempt %d), retrying in %.0f s: %s",
                self._suite_id,
                item.id[:12],
                attempts,
                delay,
                error,
            )
            self._inbox.retry_later(item.id, not_before=self._clock.now() + delay, error=error)
        else:
            self._inbox.complete(item.id)
        return item

    def drain(self, limit: int = 10_000) -> int:
        """Process every item that is ready now; the number claimed."""
        count = 0
        while count < limit and not self._loop.stopping and self.run_once() is not None:
            count += 1
        return count

    def notify(self) -> None:
        """A new item was recorded: wake the thread instead of waiting for its next poll."""
        self._loop.wake()

    def start(self) -> None:
        """Process what a previous process left pending, then keep processing in a daemon thread."""
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop(timeout)

    @property
    def running(self) -> bool:
        return self._loop.running

    def _pass(self) -> float:
        self.drain()  # a store outage raises: BackgroundLoop logs it and tries again after idle_wait
        return self._idle_wait
