"""Dispatching a callback to its handlers once, even when WeCom delivers copies of it concurrently.

WeCom delivers a callback again when it gets no answer in time, which is exactly when a handler is slow:
the copy can arrive while the first delivery is still being handled. The replay cache only learns of a
delivery once its handler succeeded (so a failed one is retried, never lost), so it cannot stop such a
copy. Here the first delivery of a content digest runs; a concurrent copy waits for its outcome and is
acknowledged only if the first succeeded. If the first failed or is still running, the copy is refused
with a retryable error so that WeCom delivers once more: acknowledging it early could lose the event.

This protects one process. Across processes, the SuiteApp's instruction path records callbacks in the
shared store's inbox, which is idempotent by digest.
"""

from __future__ import annotations

from enum import Enum

from .context import CallbackContext
from .in_flight import InFlight
from .receiver import CallbackReceiver
from .router import EventRouter

__all__ = ["DeliveryOutcome", "InFlight", "dispatch_once"]


class DeliveryOutcome(str, Enum):
    DISPATCHED = "dispatched"  # handlers ran and succeeded
    DUPLICATE = "duplicate"  # an identical delivery was already handled: acknowledge without dispatch
    PENDING = "pending"  # an identical delivery is running or just failed: refuse so that WeCom retries


def dispatch_once(
    receiver: CallbackReceiver, router: EventRouter, ctx: CallbackContext, *, duplicate_wait: float = 4.0
) -> tuple[DeliveryOutcome, str | None]:
    """Run the handlers for ``ctx`` unless an identical delivery was or is being handled.

    Returns the outcome and the handler's reply (``None``: answer ``success``). A handler's exception
    propagates (answer 500 so that WeCom delivers again); nothing is marked handled in that case.
    """
    if ctx.duplicate:
        return DeliveryOutcome.DUPLICATE, None
    flight, first = receiver.in_flight.begin(ctx.digest)
    if not first:
        if flight.done.wait(duplicate_wait) and flight.ok:
            return DeliveryOutcome.DUPLICATE, None
        return DeliveryOutcome.PENDING, None
    if ctx.digest in receiver.replay_cache:  # handled and finished between this copy's open() and now
        receiver.in_flight.end(ctx.digest, flight, ok=True)
        return DeliveryOutcome.DUPLICATE, None
    ok = False
    try:
        reply = router.dispatch(ctx)
        receiver.acknowledge(ctx)
        ok = True
        return DeliveryOutcome.DISPATCHED, reply
    finally:
        receiver.in_flight.end(ctx.digest, flight, ok=ok)
