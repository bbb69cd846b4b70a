"""The root of every exception this library raises on purpose."""

from __future__ import annotations

__all__ = ["WeComSuiteError"]


class WeComSuiteError(Exception):
    """Base class: catch this to catch anything wecom-suite raises deliberately.

    Every subclass carries a ``hint``: one sentence telling the reader what to do next.
    """

    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} (hint: {self.hint})" if self.hint else base
