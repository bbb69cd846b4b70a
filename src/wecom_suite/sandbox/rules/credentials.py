"""Issued tokens and one-time codes, with their lifetimes measured on the sandbox's clock."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from ...clock import Clock
from ...redaction import redact

__all__ = ["CredentialBook", "Issued"]


@dataclass
class Issued:
    """One token or code: who it belongs to (``subject``), when it dies, and whether it was used."""

    kind: str
    value: str = field(repr=False)
    subject: str
    issued_at: float
    expires_at: float
    used: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Issued({self.kind!r}, {redact(self.value)}, subject={self.subject!r}, used={self.used})"

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    def remaining(self, now: float) -> int:
        return max(0, int(self.expires_at - now))


class CredentialBook:
    """Every value the sandbox has handed out, by kind and value. Thread-safe.

    ``reuse=True`` mirrors WeCom's token endpoints, which answer with the same token while it is still
    valid (so a client's single flight is observable in the sandbox's counters, not in token churn).
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._by_value: dict[tuple[str, str], Issued] = {}
        self._current: dict[tuple[str, str], Issued] = {}

    def issue(
        self,
        kind: str,
        subject: str,
        lifetime: float,
        *,
        reuse: bool = False,
        length: int = 64,
        data: dict[str, Any] | None = None,
    ) -> Issued:
        now = self._clock.now()
        with self._lock:
            current = self._current.get((kind, subject))
            if reuse and current is not None and not current.expired(now) and not current.used:
                return current
            value = secrets.token_urlsafe(length)[:length]
            item = Issued(kind, value, subject, now, now + lifetime, data=dict(data or {}))
            self._by_value[(kind, value)] = item
            self._current[(kind, subject)] = item
            return item

    def lookup(self, kind: str, value: str) -> Issued | None:
        with self._lock:
            return self._by_value.get((kind, value))

    def of_kind(self, kind: str) -> list[Issued]:
        """Every value of ``kind`` still known (expired ones included), oldest first."""
        with self._lock:
            return sorted((item for key, item in self._by_value.items() if key[0] == kind),
                          key=lambda item: item.issued_at)

    def current(self, kind: str, subject: str) -> Issued | None:
        with self._lock:
            return self._current.get((kind, subject))

    def revoke(self, kind: str, subject: str) -> int:
        """Forget every value of ``kind`` issued to ``subject`` (e.g. a cancelled company's tokens)."""
        with self._lock:
            doomed = [key for key, item in self._by_value.items() if key[0] == kind and item.subject == subject]
            for key in doomed:
                del self._by_value[key]
            self._current.pop((kind, subject), None)
            return len(doomed)

    def expire_now(self, kind: str, subject: str) -> None:
        """Make the current value of ``kind`` for ``subject`` expire at once (WeCom may invalidate early)."""
        with self._lock:
            current = self._current.get((kind, subject))
            if current is not None:
                current.expires_at = self._clock.now()
