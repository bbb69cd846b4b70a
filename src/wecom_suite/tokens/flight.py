"""The single-flight refresh protocol as a sans-I/O flow, run by the sync and the async manager.

read the store -> good? use it -> else take the lease -> RE-READ the store (the previous holder may
just have written) -> fetch -> write -> release. Without the lease: wait and read again, until a token
appears or the holder's lease runs out and this caller takes over.

The flow yields typed steps (:class:`ReadToken`, :class:`TakeLease`, :class:`FetchGrant`,
:class:`WriteToken`, :class:`ReleaseLease`, :class:`~wecom_suite.flow.Pause`) and receives their results
(or has their exceptions thrown in); the managers carry them out with :func:`wecom_suite.flow.run` /
:func:`~wecom_suite.flow.run_async`. The decisions exist only here and in :mod:`.policy`.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Union

from .. import metrics
from ..clock import Clock
from ..errors.store import LockTimeout
from ..flow import Pause
from ..stores.records import Lease, StoredToken
from .grant import TokenGrant
from .policy import Plan, RefreshPolicy, lease_name

__all__ = [
    "FetchGrant",
    "Flight",
    "ReadToken",
    "ReleaseLease",
    "Step",
    "TakeLease",
    "WriteToken",
    "refresh_flight",
]

log = logging.getLogger("wecom_suite.tokens")


@dataclass(frozen=True, slots=True)
class ReadToken:
    """Send back ``store.get_token(key)``: the stored token or None."""

    key: str


@dataclass(frozen=True, slots=True)
class TakeLease:
    """Send back ``store.try_acquire(name, lease_seconds=...)``: a :class:`Lease`, or None if another holds it."""

    name: str
    lease_seconds: float


@dataclass(frozen=True, slots=True)
class FetchGrant:
    """Ask WeCom for a new token (the manager's ``fetch``) and send back the :class:`TokenGrant`."""


@dataclass(frozen=True, slots=True)
class WriteToken:
    """``store.set_token(key, token)``; send back None."""

    key: str
    token: StoredToken = field(repr=False)


@dataclass(frozen=True, slots=True)
class ReleaseLease:
    """``store.release(lease)``; send back None."""

    lease: Lease


Step = Union[ReadToken, TakeLease, FetchGrant, WriteToken, ReleaseLease, Pause]
Flight = Generator[Step, Any, StoredToken]


def refresh_flight(policy: RefreshPolicy, key: str, clock: Clock, *, force: bool) -> Flight:
    """Produce a usable token for ``key``, asking WeCom at most once across every process sharing the store."""
    name = lease_name(key)
    waited = 0.0
    pause: float | None = None
    while True:
        stored: StoredToken | None = yield ReadToken(key)
        plan = policy.plan(key, stored, clock.now(), force=force)
        if plan is Plan.USE and stored is not None:
            return stored
        lease: Lease | None = yield TakeLease(name, policy.lease_seconds)
        if lease is None:
            if plan is Plan.REFRESH_OR_USE and stored is not None:
                return stored  # someone else refreshes early; ours is still valid meanwhile
            if waited >= policy.wait_timeout:
                raise LockTimeout(
                    f"waited {waited:.1f} s for another process to refresh {key}",
                    hint="the refreshing process may be stuck on WeCom; check its logs and network, or raise "
                    "RefreshPolicy.wait_timeout (keep it above lease_seconds)",
                )
            pause = policy.next_poll(pause)
            yield Pause(pause)
            waited += pause
            continue
        try:
            stored = yield ReadToken(key)
            if policy.plan(key, stored, clock.now(), force=force) is Plan.USE and stored is not None:
                return stored  # the previous holder wrote it between our read and our lease
            started = clock.now()
            try:
                grant: TokenGrant = yield FetchGrant()
            except Exception as exc:
                metrics.token_refreshed(key, type(exc).__name__)
                if force or not policy.still_valid(stored, clock.now()):
                    raise
                assert stored is not None
                log.warning("early refresh of %s failed; the current token stays in use", key, exc_info=True)
                return stored
            if not isinstance(grant, TokenGrant):
                raise TypeError(f"a token fetch must return a TokenGrant, got {type(grant).__name__}")
            fresh = policy.stored_from_grant(grant, started_at=started, finished_at=clock.now())
            yield WriteToken(key, fresh)
            metrics.token_refreshed(key, "ok")
            log.info("refreshed %s (expires in %.0f s)", key, grant.expires_in)
            return fresh
        finally:
            try:
                yield ReleaseLease(lease)
            except Exception:  # the lease runs out by itself; the refresh result stands
                log.warning("could not release the refresh lease of %s", key, exc_info=True)
