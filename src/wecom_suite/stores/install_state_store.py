"""Single-use CSRF ``state`` values of the install flow, with an expiry."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["InstallStateStore"]


@runtime_checkable
class InstallStateStore(Protocol):
    def issue_state(self, state: str, *, expires_at: float, data: str = "") -> None: ...

    def consume_state(self, state: str, *, now: float) -> str | None:
        """Return the ``data`` issued with ``state`` and forget it; None if unknown, used or expired."""
        ...
