"""``agent/get_permissions`` (corp token): which permissions the app holds in a company."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import ApiResult

__all__ = ["AppPermissions"]


class AppPermissions(ApiResult):
    app_permissions: list[Any] = Field(default_factory=list)
