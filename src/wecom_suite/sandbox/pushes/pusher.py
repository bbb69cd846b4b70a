"""Delivering callbacks like WeCom: verify the URL first (GET), then POST, retrying on failure.

A delivery succeeds when the receiver answers HTTP 200 with the body ``success`` (instruction URL) or
any HTTP 200 (data URL) within the deadline. Like WeCom, the pusher delivers again (after each of
``retry_delays``; WeCom documents 3 retries) only when a request fails: no connection, or no answer
before the deadline. An answer, whatever its status, ends the delivery (``retry_on_error_status=True``
re-sends after error answers too). Every attempt is recorded in :class:`PushLog`.

Two deadlines (docs/protocol.md §1.10): the authorisation InfoTypes (:data:`AUTHORISATION_INFO_TYPES`) must be
answered within 1000 ms; every other push (change_contact, data and system events) gets WeCom's 5 s.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ...background import BackgroundLoop
from ...clock import Clock
from ...errors import CallbackError
from ...redaction import redact_url
from ...xml import parse_xml
from ..settings import SandboxSettings
from .callback_sealing import SealedCallback, seal_post, seal_verification

__all__ = ["AUTHORISATION_INFO_TYPES", "Attempt", "CallbackPusher", "Delivery", "PushLog", "info_type_of"]

logger = logging.getLogger("wecom_suite.sandbox")

AUTHORISATION_INFO_TYPES = frozenset(
    {"create_auth", "change_auth", "cancel_auth", "reset_permanent_code", "suite_ticket"}
)
"""Instruction callbacks (指令回调) held to the short deadline: WeCom documents "answer ``success`` within
1000 ms" for the four authorisation notices; suite_ticket is held to it too (a handler that only stores
the ticket has no reason to be slower, and a strict emulator catches a slow one before WeCom does)."""

def info_type_of(plaintext: str) -> str:
    """The ``InfoType`` of a plaintext callback (``""`` for data events, which have none, and for a
    document that does not parse: a fault test's deliberate garbage)."""
    try:
        value = parse_xml(plaintext).get("InfoType", "")
    except CallbackError:
        return ""
    return value.strip() if isinstance(value, str) else ""


@dataclass
class Attempt:
    """One HTTP try: what came back (``status``/``body``) or why nothing usable did (``error``)."""

    method: str
    status: int | None
    body: str
    error: str = ""
    delay_before: float = 0.0
    elapsed: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "status": self.status, "body": self.body[:200], "error": self.error,
                "delay_before": self.delay_before, "elapsed": round(self.elapsed, 3)}


@dataclass
class Delivery:
    """One callback and its fate. ``plaintext`` is the XML before encryption (for tests to compare);
    ``deadline`` is the seconds each POST had to be answered in."""

    label: str
    url: str
    plaintext: str = field(repr=False)
    receive_id: str
    to_user_name: str = ""
    agent_id: str = ""
    instruction: bool = True
    deadline: float = 5.0
    attempts: list[Attempt] = field(default_factory=list)
    verification: list[Attempt] = field(default_factory=list)
    ok: bool = False
    done: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "url": redact_url(self.url), "receive_id": self.receive_id, "ok": self.ok,
                "done": self.done, "deadline": self.deadline, "attempts": [a.as_json() for a in self.attempts],
                "verification": [a.as_json() for a in self.verification]}


class PushLog:
    """Every delivery, in order; ``wait_for`` lets a test block until background pushes finish."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: list[Delivery] = []

    def add(self, delivery: Delivery) -> None:
        with self._cond:
            self._items.append(delivery)
            self._cond.notify_all()

    def finished(self, delivery: Delivery) -> None:
        with self._cond:
            delivery.done = True
            self._cond.notify_all()

    def all(self) -> list[Delivery]:
        with self._cond:
            return list(self._items)

    def labelled(self, label: str) -> list[Delivery]:
        return [d for d in self.all() if d.label == label]

    def wait_for(self, predicate: Callable[[list[Delivery]], bool], timeout: float = 10.0) -> list[Delivery]:
        """Block until ``predicate(deliveries)`` holds (e.g. a background push is done); TimeoutError if not."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self._items), timeout=timeout):
                raise TimeoutError(f"sandbox pushes did not reach the expected state within {timeout} s")
            return list(self._items)

    def clear(self) -> None:
        with self._cond:
            self._items.clear()


class CallbackPusher:
    """Sends sealed callbacks over HTTP with WeCom's verify-then-retry behaviour.

    ``background=True`` queues deliveries to one worker thread (in order), so a browser redirect or an
    admin request never waits for a slow receiver; otherwise ``deliver`` returns when done.
    ``timeout`` is the deadline of ordinary pushes, ``auth_timeout`` that of
    :data:`AUTHORISATION_INFO_TYPES` on the instruction URL; an answer after it counts as a failure.
    """

    def __init__(
        self,
        settings: Callable[[], SandboxSettings],
        clock: Clock,
        *,
        retry_delays: tuple[float, ...] = (0.0, 0.0, 0.0),
        timeout: float = 5.0,
        auth_timeout: float = 1.0,
        verify_urls: bool = True,
        background: bool = False,
        sleep: Callable[[float], object] | None = None,
        retry_on_error_status: bool = False,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.auth_timeout = auth_timeout
        self.verify_urls = verify_urls
        # WeCom re-sends a push only when the request fails (no connection, no answer in time), not for what
        # the answer says; True also re-sends after an error status or an answer other than "success".
        self.retry_on_error_status = retry_on_error_status
        self._closing = threading.Event()
        self._sleep: Callable[[float], object] = sleep if sleep is not None else self._closing.wait
        self._verified: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.log = PushLog()
        self._http = httpx.Client(timeout=timeout, trust_env=False)
        self._queue: queue.Queue[Delivery | None] | None = queue.Queue() if background else None
        self._worker: BackgroundLoop | None = None  # started with the first background delivery

    def begin_close(self) -> None:
        """Stop retrying and waiting: deliveries in progress give up after their current attempt."""
        self._closing.set()

    def close(self) -> None:
        self.begin_close()
        if self._queue is not None and self._worker is not None:
            self._queue.put(None)
            self._worker.stop(timeout=30)
        self._http.close()

    def forget_verifications(self) -> None:
        """After a key change WeCom checks the URL again (the console saves URL, Token and key together)."""
        with self._lock:
            self._verified.clear()

    def deliver(self, label: str, url: str, plaintext: str, *, receive_id: str, to_user_name: str,
                agent_id: str = "", instruction: bool = True) -> Delivery:
        delivery = Delivery(label, url, plaintext, receive_id, to_user_name, agent_id, instruction,
                            deadline=self.deadline_for(plaintext, instruction=instruction))
        self.log.add(delivery)
        if self._queue is not None:
            with self._lock:
                if self._worker is None:
                    self._worker = BackgroundLoop("wecom-sandbox-pusher", self._deliver_queued, error_wait=0.0)
                    self._worker.start()
            self._queue.put(delivery)
        else:
            self._run(delivery)
        return delivery

    def deadline_for(self, plaintext: str, *, instruction: bool = True) -> float:
        """Seconds the receiver has to answer this push (1 s for authorisation notices, else 5 s)."""
        if instruction and info_type_of(plaintext) in AUTHORISATION_INFO_TYPES:
            return self.auth_timeout
        return self.timeout

    def _deliver_queued(self) -> float:
        """The background worker's pass: deliver in order until close() queues its end marker, then wait
        (the returned hour) for close() to stop the loop. A pass that fails is logged and the next one
        goes on with the queue."""
        assert self._queue is not None
        while (delivery := self._queue.get()) is not None:
            self._run(delivery)
        return 3600.0

    def _run(self, delivery: Delivery) -> None:
        try:
            settings = self._settings()
            if self.verify_urls and not self._verify(delivery, settings):
                return
            for delay in (None, *self.retry_delays):
                if delay is not None and delay > 0:
                    self._sleep(delay)
                if self._closing.is_set():
                    return
                sealed = seal_post(
                    delivery.url, token=settings.token, encoding_aes_key=settings.encoding_aes_key,
                    receive_id=delivery.receive_id, to_user_name=delivery.to_user_name, agent_id=delivery.agent_id,
                    plaintext=delivery.plaintext, timestamp=int(self._clock.now()),
                )
                attempt = self._send(sealed, delay or 0.0, delivery.deadline)
                delivery.attempts.append(attempt)
                body_ok = attempt.body.strip() == "success" if delivery.instruction else True
                if attempt.status == 200 and not attempt.error and body_ok:
                    delivery.ok = True
                    return
                if not attempt.error and not self.retry_on_error_status:
                    return  # answered: WeCom does not deliver again, whatever the answer was
        finally:
            self.log.finished(delivery)
            self._report(delivery)

    def _report(self, delivery: Delivery) -> None:
        url = redact_url(delivery.url)
        if delivery.ok:
            # Tickets come every few seconds under `make run`: the first at INFO, the rest at DEBUG (-v).
            routine = delivery.label == "suite_ticket" and sum(d.ok for d in self.log.labelled("suite_ticket")) > 1
            level = logging.DEBUG if routine else logging.INFO
            logger.log(level, "pushed %s to %s (%d attempt(s))", delivery.label, url, len(delivery.attempts))
            return
        tries = delivery.attempts or delivery.verification
        last = tries[-1] if tries else None
        why = "no attempt (sandbox stopping)" if last is None else (
            last.error or f"HTTP {last.status} {last.body[:80]!r}")
        stage = "URL verification (GET)" if not delivery.attempts and delivery.verification else "push"
        logger.warning("%s of %s to %s failed: %s", stage, delivery.label, url, why)

    def _verify(self, delivery: Delivery, settings: SandboxSettings) -> bool:
        key = (delivery.url, settings.encoding_aes_key)
        with self._lock:
            if key in self._verified:
                return True
        for delay in (None, *self.retry_delays):
            if delay is not None and delay > 0:
                self._sleep(delay)
            if self._closing.is_set():
                return False
            sealed = seal_verification(
                delivery.url, token=settings.token, encoding_aes_key=settings.encoding_aes_key,
                receive_id=settings.provider_corp_id, timestamp=int(self._clock.now()),
            )
            attempt = self._send(sealed, delay or 0.0, self.timeout)
            delivery.verification.append(attempt)
            if attempt.status == 200 and not attempt.error and attempt.body == sealed.expected_echo:
                with self._lock:
                    self._verified.add(key)
                return True
        return False

    def _send(self, sealed: SealedCallback, delay: float, deadline: float) -> Attempt:
        """One request; an answer later than ``deadline`` (wall time, as WeCom measures it) is a failure."""
        started = time.monotonic()
        try:
            if sealed.method == "GET":
                response = self._http.get(sealed.url, timeout=deadline)
            else:
                response = self._http.post(sealed.url, content=sealed.body, timeout=deadline,
                                           headers={"Content-Type": "text/xml; charset=utf-8"})
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc} (no answer within the {deadline:g} s deadline)" \
                if isinstance(exc, httpx.TimeoutException) else f"{type(exc).__name__}: {exc}"
            return Attempt(sealed.method, None, "", error=error, delay_before=delay,
                           elapsed=time.monotonic() - started)
        elapsed = time.monotonic() - started
        late = f"answered after {elapsed:.2f} s, past the {deadline:g} s deadline" if elapsed > deadline else ""
        return Attempt(sealed.method, response.status_code, response.text, error=late, delay_before=delay,
                       elapsed=elapsed)
