"""Capped exponential backoff with jitter: the one rule for "how long before trying again" (sans-I/O).

Used by the API client (``RetryPolicy.backoff``: -1, 45009, 5xx, connection errors) and by the inbox
worker (a callback whose processing failed). Retries count from 1: ``delay(1)`` is the wait before the
first retry, ``base`` seconds at most.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Wait before retry ``n`` (``n >= 1``): ``min(max_delay, base * factor**(n-1))`` seconds, of which a
    random fraction up to ``jitter`` is taken off, so that many clients do not retry in step.

    ``random`` returns a float in ``[0, 1)`` (inject a fixed one in tests). Raises ``ValueError`` for
    negative delays, ``factor < 1`` or ``jitter`` outside ``[0, 1]``.
    """

    base: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0
    jitter: float = 0.5
    random: Callable[[], float] = field(default=_random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.base < 0 or self.max_delay < 0 or self.factor < 1:
            raise ValueError("delays must be >= 0 and factor >= 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be within [0, 1]")

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 = the first retry, after the first failure)."""
        exponent = max(0, retry - 1)
        ceiling = self.max_delay if exponent > 64 else min(self.max_delay, self.base * self.factor**exponent)
        return ceiling * (1.0 - self.jitter * self.random())
