"""Single-use CSRF ``state`` values of the install flow, with an expiry."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["InstallStates"]


@runtime_checkable
class InstallStates(Protocol):
    """``suite_id`` scopes the values, so suites sharing one store cannot consume each other's states."""

    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None: ...

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        """Return the ``data`` issued with ``state`` and forget it; None if unknown, used or expired."""
        ...
