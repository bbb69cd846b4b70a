"""A store under test plus the means to restart it and to let its leases run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from wecom_suite.clock import ManualClock
from wecom_suite.stores import Store

START = 1_700_000_000.0


@dataclass
class Backend:
    kind: str
    store: Store
    clock: ManualClock
    _reopen: Callable[[], Store]

    def reopen(self) -> Store:
        """Close the store and open the same data again, as after a process restart."""
        self.store.close()
        self.store = self._reopen()
        return self.store

    def pass_lease(self, name: str, lease_seconds: float) -> None:
        """Let the lease ``name`` (taken for ``lease_seconds``) run out: move the store's clock, or, on
        Redis, whose leases expire on the server, poll until the server has dropped it."""
        if self.kind != "redis":
            self.clock.advance(lease_seconds)
            return
        deadline = time.monotonic() + lease_seconds + 5
        while time.monotonic() < deadline:
            probe = self.store.try_acquire(name, lease_seconds=lease_seconds)
            if probe is not None:
                assert self.store.release(probe)
                return
            time.sleep(0.01)  # polling the server's own expiry, not a test clock
        raise AssertionError(f"Redis never expired lease {name}")
