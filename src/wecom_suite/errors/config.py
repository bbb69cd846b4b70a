"""Configuration errors: raised at start-up, naming the setting that is wrong."""

from __future__ import annotations

from .base import WeComSuiteError

__all__ = ["ConfigError"]


class ConfigError(WeComSuiteError, ValueError):
    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"invalid configuration: {setting}: {problem}")
