"""Reading an API call's parameters (query and JSON body merged) the way WeCom validates them."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any

from .api_failure import ApiFailure

__all__ = ["STATE_RE", "int_param", "same_secret", "text_param"]

STATE_RE = re.compile(r"[A-Za-z0-9]{0,128}")  # WeCom's rule for every ``state`` parameter


def text_param(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value)


def int_param(params: Mapping[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiFailure(40058, f"{name} must be an integer") from None


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a credential (bytes, so that non-ASCII input is just 'wrong')."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
