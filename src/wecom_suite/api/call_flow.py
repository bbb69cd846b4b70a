"""One API call as a sans-I/O flow: the single place where the retry rules run.

The flow yields typed steps (:class:`NeedToken`, :class:`Send`, :class:`DropToken`,
:class:`~wecom_suite.flow.Pause`) and receives their results; it never touches a socket or a clock.
:class:`~wecom_suite.api.client.SuiteClient` carries the steps out blocking and
:class:`~wecom_suite.api.async_client.AsyncSuiteClient` with ``await``, both through the drivers of
:mod:`wecom_suite.flow` (the same ones the token managers use), so the decisions exist once.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

from .. import metrics
from ..flow import Pause
from .decision import Attempts, Fail, Finish, RenewToken, RetryLater, decide, outcome_label
from .endpoint_spec import ApiCall, HttpRequest, TokenRef
from .retry_policy import RetryPolicy
from .transport_outcome import HttpAnswer, TransportFailure

__all__ = ["CallFlow", "DropToken", "NeedToken", "Pause", "Send", "Step", "call_flow"]

T = TypeVar("T")

logger = logging.getLogger("wecom_suite.api")


@dataclass(frozen=True, slots=True)
class NeedToken:
    """Reply with the current token (``str``) for ``ref``."""

    ref: TokenRef


@dataclass(frozen=True, slots=True)
class DropToken:
    """WeCom rejected ``token``: invalidate exactly it (a fresher one stored meanwhile survives)."""

    ref: TokenRef
    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Send:
    """Reply with an :class:`HttpAnswer` or a :class:`TransportFailure`."""

    request: HttpRequest


Step = Union[NeedToken, DropToken, Send, Pause]
CallFlow = Generator[Step, Any, T]


def call_flow(call: ApiCall[T], policy: RetryPolicy) -> CallFlow[T]:
    """Run ``call`` to completion: returns the parsed answer or raises the error that says what to do."""
    endpoint = call.endpoint
    ref = call.token_ref
    attempts = Attempts(used_token=ref is not None)
    while True:
        token: str | None = (yield NeedToken(ref)) if ref is not None else None
        request = call.request(token)
        since = metrics.started()  # 0.0 while metrics are off; never used for a decision
        answer: HttpAnswer | TransportFailure = yield Send(request)
        decision = decide(endpoint, answer, attempts, policy)
        if metrics.enabled():
            metrics.api_answer(endpoint.name, outcome_label(answer, decision), since)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s -> %s: %s", request.describe(), _describe_answer(answer), type(decision).__name__)
        if isinstance(decision, Finish):
            return decision.value
        if isinstance(decision, Fail):
            raise decision.error
        if isinstance(decision, RenewToken):
            assert ref is not None
            assert token is not None
            yield DropToken(ref, token)
            attempts = Attempts(attempts.sends + 1, attempts.retries, token_renewed=True, used_token=True)
        elif isinstance(decision, RetryLater):
            logger.info("%s; retrying in %.2f s", decision.reason, decision.seconds)
            yield Pause(decision.seconds)
            attempts = Attempts(attempts.sends + 1, attempts.retries + 1, attempts.token_renewed, attempts.used_token)


def _describe_answer(answer: HttpAnswer | TransportFailure) -> str:
    if isinstance(answer, TransportFailure):
        return answer.detail
    return f"HTTP {answer.status}"
