"""Errors from WeCom's HTTP APIs (placeholder; the API-client work fills in the hierarchy)."""

from __future__ import annotations

from .base import WeComSuiteError

__all__ = ["WeComError"]


class WeComError(WeComSuiteError):
    """WeCom answered with a non-zero ``errcode``."""

    def __init__(self, errcode: int, errmsg: str = "", *, hint: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"WeCom error {errcode}: {errmsg}", hint=hint)
