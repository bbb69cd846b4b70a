"""How often and how long to wait before retrying: bounded exponential back-off with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries for ``-1`` (system busy), 45009/45033 (rate limits), HTTP 5xx and connection errors.

    ``max_retries`` bounds the resends per call (WeCom suggests at most 3 for ``-1``); the token
    refresh-and-retry-once on 40014/40082/42001/42009 is separate and always exactly one.
    Delay before retry ``n`` (0-based): ``min(max_delay, base_delay * multiplier**n)``, of which a random
    fraction up to ``jitter`` is taken off so that many clients do not retry in lockstep.
    """

    max_retries: int = 3
    base_delay: float = 0.25
    multiplier: float = 2.0
    max_delay: float = 4.0
    jitter: float = 0.5
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be within [0, 1]")
        if self.base_delay < 0 or self.max_delay < 0 or self.multiplier < 1:
            raise ValueError("delays must be >= 0 and multiplier >= 1")

    def delay(self, retry_index: int) -> float:
        """Seconds to wait before retry number ``retry_index`` (0 = the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * self.multiplier**retry_index)
        return ceiling * (1.0 - self.jitter * self.random())

    @classmethod
    def none(cls) -> RetryPolicy:
        """No retries at all (the token refresh-and-retry-once still happens)."""
        return cls(max_retries=0)
