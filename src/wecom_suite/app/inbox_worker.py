"""Processes the callback inbox: record first, answer, then do the work here (at least once, in order).

The web handler only writes a verified callback to the store's inbox and answers. Worker threads
claim queue heads (one company's callbacks one at a time, in WeCom's order; different companies in
parallel), process them, and settle each one:

* success                  -> ``complete`` (kept for the dedup window, then purged);
* :class:`NotReadyYet`     -> retried later without counting an attempt, up to ``wait_limit_seconds``;
* :class:`DeadLetter`      -> a dead letter at once (retrying cannot help);
* any other exception      -> retried with capped backoff; after ``max_attempts`` a dead letter.

A heartbeat renews the lease of every item being processed, so a slow handler is never run twice
beside itself while its process lives; it also reports handlers running longer than
``slow_after_seconds`` (once each) and purges finished items older than the dedup window.
A process that dies simply lets its leases run out: the items are claimed again elsewhere.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import metrics
from ..background import BackgroundLoop
from ..backoff import Backoff
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import DeadLetter, DeadLetterReason, NotReadyYet
from ..stores.inbox import Inbox
from ..stores.records import InboxClaim, InboxItem

__all__ = ["DeliveryPolicy", "InboxWorker", "Running"]

logger = logging.getLogger("wecom_suite.inbox")

_MAX_ERROR_TEXT = 500
DEDUP_WINDOW = 7 * 86_400.0


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How the inbox is worked. Times in seconds.

    ``dedup_window_seconds`` (7 days): WeCom re-sends a callback it saw fail within minutes (three
    retries for instruction callbacks); a week also covers a push queued on WeCom's side during a long
    outage of ours, so a re-delivery is still recognised. Dead letters are kept until an operator acts.
    """

    workers: int = 4
    lease_seconds: float = 60.0
    max_attempts: int = 8
    backoff: Backoff = field(default_factory=lambda: Backoff(base=2.0, factor=2.0, max_delay=600.0, jitter=0.25))
    wait_limit_seconds: float = 600.0
    slow_after_seconds: float = 60.0
    max_extra_workers: int = 16  # threads added, one per handler reported slow, so hangs hold only their company
    dedup_window_seconds: float = DEDUP_WINDOW
    purge_batch: int = 500
    purge_every_seconds: float = 300.0
    idle_wait_seconds: float = 1.0


@dataclass(slots=True)
class Running:
    """An item a worker of this process is processing now (for the heartbeat and operator views)."""

    claim: InboxClaim
    started_at: float
    reported_slow: bool = False


class InboxWorker:
    """Claims and processes one suite's inbox; ``drain()`` synchronously, ``start()`` in threads."""

    def __init__(
        self,
        inbox: Inbox,
        suite_id: str,
        process: Callable[[InboxItem], None],
        *,
        clock: Clock | None = None,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self._inbox = inbox
        self._suite_id = suite_id
        self._process = process
        self._clock = clock or DEFAULT_CLOCK
        self.policy = policy or DeliveryPolicy()
        self._running: dict[str, Running] = {}
        self._running_lock = threading.Lock()
        self._loops: list[BackgroundLoop] = []
        self._last_purge = float("-inf")
        self._outage = _OutageLog(self._suite_id)

    # -- one item ---------------------------------------------------------------------------------

    def run_once(self) -> InboxItem | None:
        """Claim and process one claimable item; the item (or None when nothing was claimable)."""
        claim = self._inbox.claim(self._suite_id, now=self._clock.now(), lease_seconds=self.policy.lease_seconds)
        if claim is None:
            return None
        item = claim.item
        with self._running_lock:
            self._running[item.id] = Running(claim, self._clock.now())
        since = metrics.started()
        try:
            try:
                self._process(item)
            except Exception as exc:
                outcome = self._settle_failure(item, exc)
            else:
                self._inbox.complete(item.id, now=self._clock.now())
                outcome = "done"
            metrics.inbox_settled(self._suite_id, item.source.value, outcome, since)
        finally:
            with self._running_lock:
                self._running.pop(item.id, None)
        return item

    def _settle_failure(self, item: InboxItem, exc: Exception) -> str:
        """Retry later, wait, or bury ``item``; which one (``retry``, ``wait``, ``dead``: a metrics label)."""
        now = self._clock.now()
        label = f"suite {self._suite_id}: callback {item.id[:12]} ({item.source.value}, queue {item.queue or '-'})"
        if isinstance(exc, NotReadyYet):
            if now - item.received_at < self.policy.wait_limit_seconds:
                logger.info("%s waits: %s", label, exc)
                self._inbox.retry_later(
                    item.id, not_before=now + exc.retry_in, error=_error_text(exc), count_attempt=False
                )
                return "wait"
            reason, message = exc.give_up_reason, f"{exc} (gave up after {self.policy.wait_limit_seconds:.0f} s)"
        elif isinstance(exc, DeadLetter):
            reason, message = exc.reason, str(exc)
        else:
            attempts = item.attempts + 1
            error = _error_text(exc)
            if attempts < self.policy.max_attempts:
                delay = self.policy.backoff.delay(attempts)
                level = logging.ERROR if attempts >= self.policy.max_attempts // 2 else logging.WARNING
                logger.log(level, "%s failed (attempt %d of %d), retrying in %.0f s: %s",
                           label, attempts, self.policy.max_attempts, delay, error)
                self._inbox.retry_later(item.id, not_before=now + delay, error=error)
                return "retry"
            reason, message = DeadLetterReason.TOO_MANY_ATTEMPTS, f"{error} ({attempts} attempts)"
            # Count this last failure too (held from other workers until buried just below), so the dead
            # letter's attempts say what its error says.
            self._inbox.retry_later(item.id, not_before=now + self.policy.lease_seconds, error=error)
        error = f"{reason}: {message}"[:_MAX_ERROR_TEXT]
        logger.error("%s is now a dead letter: %s (see `wecom-suite inbox list --dead`)", label, error)
        self._inbox.bury(item.id, now=now, error=error)
        return "dead"

    # -- many items -------------------------------------------------------------------------------

    def drain(self, limit: int = 10_000) -> int:
        """Process every item that is claimable now, one after the other; how many were claimed."""
        count = 0
        while count < limit and not any(loop.stopping for loop in self._loops) and self.run_once() is not None:
            count += 1
        return count

    def heartbeat(self) -> None:
        """Renew the leases of items in progress, report slow handlers, purge when due (one round)."""
        now = self._clock.now()
        with self._running_lock:
            running = list(self._running.values())
        for one in running:
            renewed = self._inbox.renew(one.claim, now=now, lease_seconds=self.policy.lease_seconds)
            with self._running_lock:
                finished = one.claim.item.id not in self._running  # completed while we renewed: nothing lost
            if renewed is not None:
                one.claim = renewed
            elif not finished:
                logger.warning("suite %s: lost the lease of callback %s while processing it; another worker may "
                               "run it too", self._suite_id, one.claim.item.id[:12])
            if not one.reported_slow and now - one.started_at > self.policy.slow_after_seconds:
                one.reported_slow = True
                logger.warning("suite %s: the handler of callback %s (%s, queue %s) has run for %.0f s; its "
                               "company's later callbacks wait for it", self._suite_id, one.claim.item.id[:12],
                               one.claim.item.source.value, one.claim.item.queue or "-", now - one.started_at)
                self._add_worker()  # the hung handler keeps its thread: the other companies get another one
        if now - self._last_purge >= self.policy.purge_every_seconds:
            self._last_purge = now
            self.purge_expired()

    def purge_expired(self, *, max_batches: int = 20) -> int:
        """Delete finished items older than the dedup window, in small batches; how many were deleted."""
        cutoff = self._clock.now() - self.policy.dedup_window_seconds
        total = 0
        for _ in range(max_batches):
            purged = self._inbox.purge(finished_before=cutoff, limit=self.policy.purge_batch)
            total += purged
            if purged < self.policy.purge_batch:
                break
        if total:
            logger.info("suite %s: purged %d finished callbacks older than the dedup window", self._suite_id, total)
        return total

    def running(self) -> list[Running]:
        """Items this process is processing now, oldest first."""
        with self._running_lock:
            return sorted(self._running.values(), key=lambda r: r.started_at)

    # -- threads ----------------------------------------------------------------------------------

    def notify(self) -> None:
        """A new item was recorded: wake the worker threads instead of waiting for their next poll."""
        for loop in self._loops:
            loop.wake()

    def start(self) -> None:
        """Process what a previous process left pending, then keep processing in daemon threads."""
        if self._loops:
            return
        name = f"wecom-inbox-{self._suite_id}"
        self._loops = [BackgroundLoop(f"{name}-{n}", self._work_pass) for n in range(max(1, self.policy.workers))]
        self._loops.append(BackgroundLoop(f"{name}-heartbeat", self._heartbeat_pass))
        for loop in self._loops:
            loop.start()

    def _add_worker(self) -> None:
        """One more worker thread while a handler hangs, so a hang holds only its own company's queue
        (bounded: at most ``max_extra_workers`` beyond ``workers``; only once the threads run)."""
        if not self._loops or len(self._loops) - 1 >= self.policy.workers + self.policy.max_extra_workers:
            return
        loop = BackgroundLoop(f"wecom-inbox-{self._suite_id}-extra-{len(self._loops)}", self._work_pass)
        self._loops.append(loop)
        loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        for loop in self._loops:
            loop.stop(timeout)
        self._loops = []

    @property
    def started(self) -> bool:
        return any(loop.running for loop in self._loops)

    def _work_pass(self) -> float:
        """One claim (and its processing); seconds to wait before the next: none while there is work."""
        try:
            busy = self.run_once() is not None
        except Exception as exc:  # the store is down: back off, one warning per interval, never die
            return self._outage.failed(exc)
        self._outage.recovered()
        return 0.0 if busy else self.policy.idle_wait_seconds

    def _heartbeat_pass(self) -> float:
        try:
            self.heartbeat()
        except Exception as exc:
            self._outage.failed(exc)
        return max(0.05, self.policy.lease_seconds / 3)


class _OutageLog:
    """Backoff for a store that went away, with one warning per interval (not a traceback a second)."""

    def __init__(self, suite_id: str) -> None:
        self._suite_id = suite_id
        self._backoff = Backoff(base=0.5, factor=2.0, max_delay=30.0, jitter=0.2)
        self._failures = 0
        self._lock = threading.Lock()

    def failed(self, exc: Exception) -> float:
        with self._lock:
            self._failures += 1
            failures = self._failures
        delay = self._backoff.delay(failures)
        if failures == 1 or failures % 10 == 0:
            logger.warning("suite %s: the inbox cannot be read (%s); retrying with backoff (%d failures so far)",
                           self._suite_id, _error_text(exc), failures)
        return delay

    def recovered(self) -> None:
        if self._failures:
            with self._lock:
                if self._failures:
                    logger.warning("suite %s: the inbox is reachable again", self._suite_id)
                self._failures = 0


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_TEXT]
