"""The decision for each answer: done, refresh the token and retry once, back off and retry, or fail.

Pure functions of (endpoint, answer, what happened so far, policy), shared by the sync and async shells.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

from pydantic import ValidationError

from ..errors.api import (
    MalformedResponse,
    RequestMayHaveReachedWeCom,
    WeComHTTPError,
    WeComUnreachable,
    error_for,
)
from ..errors.base import WeComSuiteError
from .endpoint_spec import Endpoint, RetrySafety
from .retry_policy import RetryPolicy
from .transport_outcome import HttpAnswer, TransportFailure

__all__ = [
    "TOKEN_REJECTED",
    "TRANSIENT",
    "Decision",
    "Fail",
    "Finish",
    "RenewToken",
    "RetryLater",
    "decide",
    "errcode_of",
    "outcome_label",
]

T = TypeVar("T")

# docs/protocol.md §5: 40014, 40082, 42001 and 42009 mean "drop the token, fetch a new one, retry once".
TOKEN_REJECTED = frozenset({40014, 40082, 42001, 42009})
# Definite "not processed, try later" answers: safe to resend whatever the endpoint does.
RATE_LIMITED = frozenset({45009, 45033})
# Busy/conflict: WeCom may or may not have acted, so only resent for idempotent endpoints.
BUSY = frozenset({-1, 6000})
TRANSIENT = RATE_LIMITED | BUSY


@dataclass(frozen=True, slots=True)
class Finish(Generic[T]):
    value: T


@dataclass(frozen=True, slots=True)
class RenewToken:
    """Invalidate exactly the token that was used, get a fresh one, send again (once)."""


@dataclass(frozen=True, slots=True)
class RetryLater:
    """Wait ``seconds``, then send again."""

    seconds: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Fail:
    error: WeComSuiteError


Decision = Union[Finish[T], RenewToken, RetryLater, Fail]


@dataclass(frozen=True, slots=True)
class Attempts:
    """What has happened so far in one call."""

    sends: int = 1  # including the one being judged
    retries: int = 0  # back-off retries already used
    token_renewed: bool = False
    used_token: bool = False


def decide(
    endpoint: Endpoint[T], answer: HttpAnswer | TransportFailure, attempts: Attempts, policy: RetryPolicy
) -> Decision[T]:
    if isinstance(answer, TransportFailure):
        return _on_transport_failure(endpoint, answer, attempts, policy)
    if answer.status >= 500:
        return _on_server_error(endpoint, answer.status, attempts, policy)
    if answer.status != 200:
        return Fail(WeComHTTPError(answer.status, api=endpoint.name, attempts=attempts.sends))
    return _on_body(endpoint, answer, attempts, policy)


def errcode_of(data: dict[str, Any], endpoint: Endpoint[Any]) -> int | None:
    """The answer's errcode; a missing errcode counts as 0 only where WeCom is known to omit it."""
    raw = data.get("errcode")
    if raw is None:
        return 0 if endpoint.errcode_optional else None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def outcome_label(answer: HttpAnswer | TransportFailure, decision: Decision[Any]) -> str:
    """How one send ended, as the metrics label it: the errcode (``0``, ``40014``), ``http_502``,
    ``transport`` or ``malformed``. Reads the body again only for a failure (rare)."""
    if isinstance(answer, TransportFailure):
        return "transport"
    if answer.status != 200:
        return f"http_{answer.status}"
    if isinstance(decision, Finish):
        return "0"
    try:
        return str(int(json.loads(answer.body).get("errcode")))
    except (ValueError, TypeError, AttributeError):
        return "malformed"


def _retry_or(error: WeComSuiteError, attempts: Attempts, policy: RetryPolicy) -> Decision[Any]:
    if attempts.retries < policy.max_retries:
        wait = policy.backoff.delay(attempts.retries + 1)
        return RetryLater(wait, reason=str(error.args[0]) if error.args else "")
    return Fail(error)


def _on_transport_failure(
    endpoint: Endpoint[T], failure: TransportFailure, attempts: Attempts, policy: RetryPolicy
) -> Decision[T]:
    if failure.maybe_sent and endpoint.safety is not RetrySafety.IDEMPOTENT:
        return Fail(RequestMayHaveReachedWeCom(api=endpoint.name, detail=failure.detail, hint=_unsafe_hint(endpoint)))
    return _retry_or(WeComUnreachable(failure.detail, api=endpoint.name, attempts=attempts.sends), attempts, policy)


def _on_server_error(endpoint: Endpoint[T], status: int, attempts: Attempts, policy: RetryPolicy) -> Decision[T]:
    if endpoint.safety is not RetrySafety.IDEMPOTENT:
        return Fail(
            RequestMayHaveReachedWeCom(
                api=endpoint.name, detail=f"HTTP {status}", status=status, hint=_unsafe_hint(endpoint)
            )
        )
    return _retry_or(WeComHTTPError(status, api=endpoint.name, attempts=attempts.sends), attempts, policy)


def _on_body(endpoint: Endpoint[T], answer: HttpAnswer, attempts: Attempts, policy: RetryPolicy) -> Decision[T]:
    if endpoint.parse_binary is not None and "json" not in answer.content_type and "text" not in answer.content_type:
        return Finish(endpoint.parse_binary(answer.body, answer.content_type))
    try:
        data = json.loads(answer.body)
    except ValueError:
        return Fail(MalformedResponse(f"not JSON ({answer.content_type or 'no content type'})", api=endpoint.name))
    if not isinstance(data, dict):
        return Fail(MalformedResponse("JSON answer is not an object", api=endpoint.name))
    errcode = errcode_of(data, endpoint)
    if errcode is None:
        return Fail(MalformedResponse("answer has no errcode", api=endpoint.name))
    if errcode == 0:
        try:
            return Finish(endpoint.parse(data))
        except ValidationError as exc:
            return Fail(MalformedResponse(_describe_validation(exc), api=endpoint.name))
    errmsg = str(data.get("errmsg", ""))
    if errcode in TOKEN_REJECTED and attempts.used_token:
        if not attempts.token_renewed:
            return RenewToken()
        return Fail(error_for(errcode, errmsg, api=endpoint.name))
    if errcode in RATE_LIMITED or (errcode in BUSY and endpoint.safety is RetrySafety.IDEMPOTENT):
        return _retry_or(error_for(errcode, errmsg, api=endpoint.name), attempts, policy)
    if errcode in BUSY:
        return Fail(
            RequestMayHaveReachedWeCom(
                api=endpoint.name, detail=f"errcode {errcode}: {errmsg}", errcode=errcode, hint=_unsafe_hint(endpoint)
            )
        )
    return Fail(error_for(errcode, errmsg, api=endpoint.name))


def _unsafe_hint(endpoint: Endpoint[Any]) -> str | None:
    if endpoint.safety is RetrySafety.ONE_TIME:
        return None  # the default hint is about one-time codes
    return (
        "this call changes state and may have been applied: check the current state (for example list the "
        "orders or read the setting back) before sending it again"
    )


def _describe_validation(exc: ValidationError) -> str:
    """Field locations and problems only: pydantic's default message would echo values (secrets)."""
    problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]]
    return "unexpected shape: " + "; ".join(problems)
