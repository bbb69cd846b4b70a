"""The base of WeCom's enumerations (InfoType, ChangeType, ...)."""

from __future__ import annotations

from enum import Enum

__all__ = ["WireEnum"]


class WireEnum(str, Enum):
    """Compares equal to, and prints as, the value on the wire, so ``event.change_type == "create_user"``
    and f-strings both do what a reader expects; values WeCom adds later stay plain strings (``as_enum``)."""

    def __str__(self) -> str:
        return str(self.value)
