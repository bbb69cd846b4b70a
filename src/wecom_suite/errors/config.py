"""Configuration errors: raised at start-up, naming the setting that is wrong."""

from __future__ import annotations

from collections.abc import Sequence

from .base import WeComSuiteError

__all__ = ["ConfigError"]


class ConfigError(WeComSuiteError, ValueError):
    """A setting is missing or invalid. ``setting`` names it as the user wrote it (env var or key).

    When several settings are wrong, one error reports them all (``problems``, one line each); its
    ``setting``/``problem`` are the first one's.
    """

    def __init__(self, setting: str, problem: str, *, hint: str | None = None) -> None:
        self.setting = setting
        self.problem = problem
        self.problems: tuple[ConfigError, ...] = (self,)
        super().__init__(f"invalid configuration: {setting}: {problem}", hint=hint)

    @classmethod
    def combine(cls, problems: Sequence[ConfigError]) -> ConfigError:
        """One error for all of ``problems`` (the single one itself when there is just one)."""
        if len(problems) == 1:
            return problems[0]
        first = problems[0]
        lines = "\n".join(f"  {p.setting}: {p.problem}" + (f" (hint: {p.hint})" if p.hint else "") for p in problems)
        combined = cls(first.setting, first.problem)
        combined.problems = tuple(problems)
        combined.args = (f"invalid configuration ({len(problems)} problems):\n{lines}",)
        return combined
