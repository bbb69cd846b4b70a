"""How long to wait before trying again (sans-I/O): exponential, capped, with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RetryBackoff"]


@dataclass(frozen=True, slots=True)
class RetryBackoff:
    """Exponential backoff, capped, with part of each delay randomised (so hosts do not retry in step).

    Used for inbox items whose processing failed and for a store that went away.
    """

    base: float = 2.0
    factor: float = 2.0
    max_delay: float = 600.0
    jitter: float = 0.25  # fraction of the delay randomised, so that many hosts do not retry in step

    def delay(self, attempts: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failure (1 = the first failure)."""
        exponent = max(0, attempts - 1)
        raw = self.max_delay if exponent > 64 else min(self.max_delay, self.base * self.factor**exponent)
        spread = raw * self.jitter
        return max(0.0, raw - spread + (rng or random).random() * spread)
