"""What an endpoint returns: WeCom's JSON object, or (rarely) raw bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

__all__ = ["Answer", "BinaryAnswer"]


@dataclass(frozen=True)
class BinaryAnswer:
    """A non-JSON answer (get_app_qrcode with ``result_type`` 1 returns the PNG itself)."""

    content: bytes
    media_type: str


Answer = Union[dict[str, Any], BinaryAnswer]
