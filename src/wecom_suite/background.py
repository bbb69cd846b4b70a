"""One way to run work in a daemon thread until told to stop: the inbox worker and the token refresher.

``step()`` does one pass and returns how many seconds to wait before the next; ``wake()`` cuts a wait
short, ``stop()`` ends the loop after the current pass. A pass that raises is logged and the loop waits
``error_wait`` seconds: background work must never die of one bad pass (a store outage, a broken
credential). Timing comes from the caller (``step``'s answer), so tests drive passes directly with a
``ManualClock`` and only start the thread to check that it starts and stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["BackgroundLoop"]

log = logging.getLogger("wecom_suite.background")


class BackgroundLoop:
    """Call ``step()`` in a daemon thread named ``name``; ``on_error(exc)`` (optional) sees failed passes."""

    def __init__(
        self,
        name: str,
        step: Callable[[], float],
        *,
        error_wait: float = 30.0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.name = name
        self._step = step
        self._error_wait = error_wait
        self._on_error = on_error
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        """True once ``stop()`` was called: long passes check it to end early."""
        return self._stopping.is_set()

    def start(self) -> None:
        """Start the thread (no-op when it runs already)."""
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the next pass now instead of after the current wait."""
        self._wake.set()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask the loop to end and wait up to ``timeout`` seconds for the current pass to finish."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                wait = self._step()
            except Exception as exc:
                log.exception("%s: a background pass failed; trying again in %.0f s", self.name, self._error_wait)
                if self._on_error is not None:
                    self._on_error(exc)
                wait = self._error_wait
            if not self._stopping.is_set():
                self._wake.wait(max(0.0, wait))
