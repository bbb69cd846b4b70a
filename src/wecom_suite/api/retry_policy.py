"""How often and how long to wait before retrying an API call (the waits: :class:`~wecom_suite.backoff.Backoff`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..backoff import Backoff

__all__ = ["API_BACKOFF", "RetryPolicy"]

API_BACKOFF = Backoff(base=0.25, factor=2.0, max_delay=4.0, jitter=0.5)
"""0.25, 0.5, 1, 2, 4, 4 ... seconds, less up to half at random."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries for ``-1`` (system busy), 45009/45033 (rate limits), HTTP 5xx and connection errors.

    ``max_retries`` bounds the resends per call (WeCom suggests at most 3 for ``-1``; docs/protocol.md §5);
    ``backoff`` says how long to wait before each. The token refresh-and-retry-once on
    40014/40082/42001/42009 is separate and always exactly one. Raises ``ValueError`` if
    ``max_retries < 0``.
    """

    max_retries: int = 3
    backoff: Backoff = API_BACKOFF

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    @classmethod
    def none(cls) -> RetryPolicy:
        """No retries at all (the token refresh-and-retry-once still happens)."""
        return cls(max_retries=0)
