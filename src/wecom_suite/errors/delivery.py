"""What processing a recorded callback can end in, besides success and an ordinary (retried) failure.

A handler or the lifecycle raises these to steer the inbox worker: :class:`DeadLetter` gives up at once
(retrying cannot help), :class:`NotReadyYet` waits without counting an attempt, up to a deadline.
"""

from __future__ import annotations

from .base import WeComSuiteError

__all__ = ["DeadLetter", "DeadLetterReason", "NotReadyYet"]


class DeadLetterReason:
    """The stable reason codes a dead letter's ``last_error`` starts with (operators filter on them)."""

    PERMANENT_CODE_LOST = "permanent_code_lost"  # the auth_code was exchanged, the answer never stored
    INVALID_AUTH_CODE = "invalid_auth_code"  # WeCom refuses the auth_code (expired, or used elsewhere)
    MALFORMED_PAYLOAD = "malformed_payload"  # the stored plaintext no longer parses
    UNKNOWN_COMPANY = "unknown_company"  # no install of this company arrived within the wait
    TOO_MANY_ATTEMPTS = "too_many_attempts"  # failed on every attempt allowed


class DeadLetter(WeComSuiteError):
    """Processing cannot succeed by retrying: the item becomes a dead letter with ``reason`` at once."""

    def __init__(self, reason: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class NotReadyYet(WeComSuiteError):
    """Processing must wait for something else (a company being installed): retried after ``retry_in``
    seconds without counting an attempt, until ``give_up_reason`` applies at the worker's wait limit."""

    def __init__(self, message: str, *, retry_in: float, give_up_reason: str) -> None:
        super().__init__(message)
        self.retry_in = retry_in
        self.give_up_reason = give_up_reason
