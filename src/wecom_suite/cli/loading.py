"""Which suite(s) a command works on: the TOML file given with ``--config``, or the environment."""

from __future__ import annotations

import click

from ..app.config import SuiteConfig, load_configs
from ..errors import ConfigError

__all__ = ["load_all", "load_one"]


def load_all(ctx: click.Context) -> list[SuiteConfig]:
    path = ctx.obj.get("config_path") if ctx.obj else None
    name = ctx.obj.get("suite_name") if ctx.obj else None
    if path:  # --suite picks the table first: WECOM_* variables then apply to that suite alone
        return load_configs(path, suite=name or None)
    configs = [SuiteConfig.from_env()]
    if name:
        chosen = [c for c in configs if name in (c.name, c.suite_id)]
        if not chosen:
            known = ", ".join(c.name for c in configs)
            raise ConfigError("--suite", f"no suite named {name!r}", hint=f"known: {known}")
        return chosen
    return configs


def load_one(ctx: click.Context) -> SuiteConfig:
    configs = load_all(ctx)
    if len(configs) > 1:
        raise ConfigError(
            "--suite",
            "the configuration has several suites",
            hint="choose one with --suite NAME: " + ", ".join(c.name for c in configs),
        )
    return configs[0]
