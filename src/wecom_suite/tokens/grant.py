"""What a token fetch returns: the new credential and how long WeCom says it lives."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..redaction import redact

__all__ = ["TokenGrant"]


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """``token`` plus ``expires_in`` seconds (WeCom answers 7200 for every token kind)."""

    token: str = field(repr=False)
    expires_in: float

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token:
            raise ValueError("TokenGrant.token must be a non-empty string (did the fetch read the right field?)")
        if not math.isfinite(self.expires_in) or self.expires_in <= 0:
            raise ValueError(f"TokenGrant.expires_in must be a positive number of seconds, got {self.expires_in!r}")

    def __repr__(self) -> str:
        return f"TokenGrant(token={redact(self.token)}, expires_in={self.expires_in})"
