"""Configuration errors: raised at start-up, naming the setting that is wrong."""

from __future__ import annotations

from .base import WeComSuiteError

__all__ = ["ConfigError"]


class ConfigError(WeComSuiteError, ValueError):
    """A setting is missing or invalid. ``setting`` names it as the user wrote it (env var or key)."""

    def __init__(self, setting: str, problem: str, *, hint: str | None = None) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"invalid configuration: {setting}: {problem}", hint=hint)
