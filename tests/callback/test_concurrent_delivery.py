"""Copies of one callback delivered concurrently (WeCom retries when a handler is slow): the handlers run
once, and a copy is acknowledged only when the first delivery succeeded (audit finding)."""

from __future__ import annotations

import threading

from tests.callback.callback_helpers import KEY, NOW, SUITE, TOKEN, post, ticket_xml
from wecom_suite.callback import CallbackContext, CallbackReceiver, DeliveryOutcome, EventRouter, dispatch_once
from wecom_suite.clock import ManualClock
from wecom_suite.web import CallbackEndpoint, WebRequest


class Blocking:
    """A suite_ticket handler that blocks until released, counting its calls; it may be told to fail."""

    def __init__(self, router: EventRouter) -> None:
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail = False
        router.on("suite_ticket")(self)

    def __call__(self, ctx: CallbackContext) -> None:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(10), "the test never released the handler"
        if self.fail:
            raise RuntimeError("handler failed")


def setup() -> tuple[CallbackReceiver, EventRouter, Blocking]:
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=ManualClock(NOW))
    router = EventRouter()
    return receiver, router, Blocking(router)


def copies(receiver: CallbackReceiver, n: int) -> list[CallbackContext]:
    """``n`` deliveries of the same content (new timestamp and nonce each, as WeCom's retries have)."""
    out = []
    for i in range(n):
        query, body = post(ticket_xml("T"), ts=NOW + i, nonce=f"retry{i}")
        out.append(receiver.open(query, body))
    assert len({c.digest for c in out}) == 1
    assert not any(c.duplicate for c in out)  # all opened before any was handled
    return out


def run_in_thread(
    receiver: CallbackReceiver, router: EventRouter, ctx: CallbackContext
) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []

    def target() -> None:
        try:
            result.append(dispatch_once(receiver, router, ctx)[0])
        except RuntimeError as exc:
            result.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, result


def test_a_copy_during_a_running_delivery_is_refused_then_acknowledged_once_it_succeeded() -> None:
    receiver, router, handler = setup()
    first, during, after = copies(receiver, 3)
    thread, result = run_in_thread(receiver, router, first)
    assert handler.entered.wait(10)
    # While the first is running (and does not finish within the wait), the copy must not be
    # acknowledged: if the first then failed, the event would be lost.
    assert dispatch_once(receiver, router, during, duplicate_wait=0) == (DeliveryOutcome.PENDING, None)
    handler.release.set()
    thread.join(10)
    assert result == [DeliveryOutcome.DISPATCHED]
    # A copy opened before the first finished, dispatched after: acknowledged, not run again.
    assert dispatch_once(receiver, router, after) == (DeliveryOutcome.DUPLICATE, None)
    assert handler.calls == 1
    assert len(receiver.in_flight) == 0


def test_a_copy_waiting_for_a_delivery_that_succeeds_is_a_duplicate() -> None:
    receiver, router, handler = setup()
    first, copy = copies(receiver, 2)
    thread, result = run_in_thread(receiver, router, first)
    assert handler.entered.wait(10)
    waiter, waited = run_in_thread(receiver, router, copy)  # joins the running flight (or finds it handled)
    handler.release.set()
    thread.join(10)
    waiter.join(10)
    assert result == [DeliveryOutcome.DISPATCHED]
    assert waited == [DeliveryOutcome.DUPLICATE]
    assert handler.calls == 1


def test_when_the_first_delivery_fails_the_next_copy_runs_the_handlers_again() -> None:
    receiver, router, handler = setup()
    first, during, retry = copies(receiver, 3)
    handler.fail = True
    thread, result = run_in_thread(receiver, router, first)
    assert handler.entered.wait(10)
    assert dispatch_once(receiver, router, during, duplicate_wait=0)[0] is DeliveryOutcome.PENDING
    handler.release.set()
    thread.join(10)
    assert isinstance(result[0], RuntimeError)
    handler.fail = False
    assert dispatch_once(receiver, router, retry)[0] is DeliveryOutcome.DISPATCHED
    assert handler.calls == 2  # at least once: the failed delivery was not lost


def test_the_endpoint_answers_a_concurrent_copy_with_a_retryable_503() -> None:
    receiver, router, handler = setup()
    endpoint = CallbackEndpoint(receiver, router, duplicate_wait=0)
    statuses: list[int] = []
    (q1, b1), (q2, b2) = (post(ticket_xml("T"), ts=NOW + i, nonce=f"n{i}") for i in range(2))
    thread = threading.Thread(
        target=lambda: statuses.append(endpoint.handle(WebRequest("POST", "/cb", q1, {}, b1)).status)
    )
    thread.start()
    assert handler.entered.wait(10)
    copy = endpoint.handle(WebRequest("POST", "/cb", q2, {}, b2))
    assert copy.status == 503
    assert b"deliver again" in copy.body
    handler.release.set()
    thread.join(10)
    assert statuses == [200]
    again = endpoint.handle(WebRequest("POST", "/cb", q2, {}, b2))
    assert (again.status, again.body) == (200, b"success")
    assert handler.calls == 1
