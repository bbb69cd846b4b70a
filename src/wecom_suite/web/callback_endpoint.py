"""``CallbackEndpoint``: the callback URL as a ``WebHandler`` (the seed's ``ServerFrontend``).

GET answers the URL verification with the echo plaintext; POST opens the callback, dispatches it and
answers ``success`` (or an encrypted reply). The status codes are the contract with WeCom:

* 400 for a callback we reject (``CallbackError``): ``reason: detail`` in the body, never a 5xx,
  because resending a bad request cannot make it good;
* 500 when a handler raised. WeCom does **not** deliver it again (it re-sends only failed requests), and
  this endpoint keeps nothing: ``SuiteApp`` records every callback in its inbox first (docs/delivery.md);
* 200 ``success`` for a duplicate delivery of content already handled (it is not dispatched again);
* 503 for a copy that arrives while the first delivery's handler is still running and does not finish
  (successfully) within ``duplicate_wait``: WeCom delivers it again later (``callback/delivery.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..callback import CallbackReceiver, EventRouter
from ..callback.delivery import DeliveryOutcome, dispatch_once
from ..errors import CallbackError
from .request import WebRequest
from .response import WebResponse

__all__ = ["CallbackEndpoint", "ErrorHandler", "Interceptor", "answer_error", "callback_error_response", "intercept"]

logger = logging.getLogger("wecom_suite.callback")

ErrorHandler = Callable[[WebRequest, Exception], "WebResponse | None"]
"""Called with a ``CallbackError`` (rejected input) or a handler's exception; a response overrides ours."""

Interceptor = Callable[[WebRequest], "WebResponse | None"]
"""Runs before anything else; returning a response short-circuits the request (e.g. an IP allow-list)."""


def callback_error_response(exc: CallbackError) -> WebResponse:
    """HTTP 400 with ``reason: detail`` as the body (the detail never holds secrets)."""
    response = WebResponse.text(f"{exc.reason.value}: {exc.detail}" if exc.detail else exc.reason.value, 400)
    response.headers["x-wecom-callback-reason"] = exc.reason.value
    return response


def intercept(interceptor: Interceptor | None, request: WebRequest) -> WebResponse | None:
    """The interceptor's response, if there is one and it gives one (then nothing else runs)."""
    return None if interceptor is None else interceptor(request)


def answer_error(
    error_handler: ErrorHandler | None, request: WebRequest, exc: Exception, ours: WebResponse
) -> WebResponse:
    """The error handler's response if it gives one, else ``ours``. A handler that raises is logged and
    changes nothing: the caller's status (400, 500, 503) is what WeCom must see. The one fallback of both
    ``CallbackEndpoint`` and ``SuiteApp``."""
    if error_handler is None:
        return ours
    try:
        theirs = error_handler(request, exc)
    except Exception:
        logger.exception("the callback error handler raised; answering as if it were not set")
        return ours
    return ours if theirs is None else theirs


class CallbackEndpoint:
    """Serves one callback URL (instruction or data) for one ``CallbackReceiver``."""

    def __init__(
        self,
        receiver: CallbackReceiver,
        router: EventRouter,
        *,
        error_handler: ErrorHandler | None = None,
        interceptor: Interceptor | None = None,
        duplicate_wait: float = 4.0,
    ) -> None:
        self.receiver = receiver
        self.duplicate_wait = duplicate_wait
        self.router = router
        self.error_handler = error_handler
        self.interceptor = interceptor

    def handle(self, request: WebRequest) -> WebResponse:
        intercepted = intercept(self.interceptor, request)
        if intercepted is not None:
            return intercepted
        if request.method not in ("GET", "POST"):
            return WebResponse(405, b"method not allowed", {"allow": "GET, POST", "content-type": "text/plain"})
        try:
            if request.method == "GET":
                return WebResponse.text(self.receiver.verify_url(request.query))
            ctx = self.receiver.open(request.query, request.body)
        except CallbackError as exc:
            logger.warning(
                "callback rejected: %s (%s %s from %s)", exc, request.method, request.path, request.remote_addr or "?"
            )
            return answer_error(self.error_handler, request, exc, callback_error_response(exc))
        try:
            outcome, reply = dispatch_once(self.receiver, self.router, ctx, duplicate_wait=self.duplicate_wait)
        except Exception as exc:
            logger.exception(
                "callback handler for %r failed; answering 500 (WeCom does not deliver it again)", ctx.info_type
            )
            failed = WebResponse.text(f"handler failed ({type(exc).__name__}); the callback was not recorded", 500)
            return answer_error(self.error_handler, request, exc, failed)
        if outcome is DeliveryOutcome.PENDING:
            logger.info("copy of callback %s arrived while the first is unfinished; asking for redelivery",
                        ctx.digest[:12])
            return WebResponse.text("an identical delivery is still being handled; deliver again", 503)
        if outcome is DeliveryOutcome.DUPLICATE:
            logger.info("duplicate callback %s (%s) acknowledged without dispatch", ctx.digest[:12], ctx.info_type)
            return WebResponse.text("success")
        if reply is None:
            return WebResponse.text("success")
        return WebResponse.xml(self.receiver.encrypt_reply(reply, ctx.receive_id, nonce=ctx.nonce))
