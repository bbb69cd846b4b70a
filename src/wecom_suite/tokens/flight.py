"""The single-flight refresh protocol as a sans-I/O generator, driven by the sync and the async manager.

read the store -> good? use it -> else take the lease -> RE-READ the store (the previous holder may
just have written) -> fetch -> write -> release. Without the lease: wait and read again, until a token
appears or the holder's lease runs out and this caller takes over.

The generator yields :class:`StoreCall`, :class:`FetchGrant` and :class:`Pause` steps and receives
their results (or has their exceptions thrown in); :func:`drive` runs it synchronously. The async
manager has its own five-line driver that awaits each step; the decisions exist only here and in
:mod:`.policy`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Union

from .. import metrics
from ..clock import Clock
from ..errors.store import LockTimeout
from ..stores.records import Lease, StoredToken
from .grant import TokenGrant
from .policy import Plan, RefreshPolicy, lease_name

__all__ = ["FetchGrant", "Flight", "Pause", "Step", "StoreCall", "drive", "refresh_flight"]

log = logging.getLogger("wecom_suite.tokens")


@dataclass(frozen=True, slots=True)
class StoreCall:
    """Call ``store.<part>.<method>(*args, **kwargs)`` and send back its result."""

    part: str  # "tokens" or "leases"
    method: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class FetchGrant:
    """Ask WeCom for a new token (the manager's ``fetch``) and send back the :class:`TokenGrant`."""


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait ``seconds`` (real time: another process is refreshing) and send back None."""

    seconds: float


Step = Union[StoreCall, FetchGrant, Pause]
Flight = Generator[Step, Any, StoredToken]


def refresh_flight(policy: RefreshPolicy, key: str, clock: Clock, *, force: bool) -> Flight:
    """Produce a usable token for ``key``, asking WeCom at most once across every process sharing the store."""
    name = lease_name(key)
    waited = 0.0
    pause: float | None = None
    while True:
        stored: StoredToken | None = yield StoreCall("tokens", "get_token", (key,))
        plan = policy.plan(key, stored, clock.now(), force=force)
        if plan is Plan.USE and stored is not None:
            return stored
        lease: Lease | None = yield StoreCall(
            "leases", "try_acquire", (name,), (("lease_seconds", policy.lease_seconds),)
        )
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
            stored = yield StoreCall("tokens", "get_token", (key,))
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
            yield StoreCall("tokens", "set_token", (key, fresh))
            metrics.token_refreshed(key, "ok")
            log.info("refreshed %s (expires in %.0f s)", key, grant.expires_in)
            return fresh
        finally:
            try:
                yield StoreCall("leases", "release", (lease,))
            except Exception:  # the lease runs out by itself; the refresh result stands
                log.warning("could not release the refresh lease of %s", key, exc_info=True)


def drive(flight: Flight, execute: Callable[[Step], Any]) -> StoredToken:
    """Run ``flight`` to the end, executing each step with ``execute`` (exceptions go back into it)."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flight.throw(error) if error is not None else flight.send(value)
        except StopIteration as stop:
            result: StoredToken = stop.value
            return result
        try:
            value, error = execute(step), None
        except BaseException as exc:  # handed to the flight, which re-raises after releasing
            value, error = None, exc
