"""The options every command accepts, before or after its name.

``wecom-suite --config x.toml serve`` and ``wecom-suite serve --config x.toml`` mean the same: users type
the option where they think of it, and the README shows the second form. A value given after the
command name overrides one given before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .log_setup import LOG_FORMATS

__all__ = ["add_common_options", "common_params"]


def _store(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def remember(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value not in (None, False):
            ctx.ensure_object(dict)
            ctx.obj[key] = value
        return value

    return remember


def common_params(*, with_envvar: bool) -> list[click.Parameter]:
    """``-c/--config``, ``--suite``, ``-v/--verbose`` and ``--log-format`` (only the group reads the env)."""
    return [
        click.Option(
            ["-c", "--config", "config_path"],
            type=click.Path(dir_okay=False),
            envvar="WECOM_SUITE_CONFIG" if with_envvar else None,
            expose_value=False,
            callback=_store("config_path"),
            help="TOML configuration file (default: WECOM_* environment variables).",
        ),
        click.Option(
            ["--suite", "suite_name"],
            expose_value=False,
            callback=_store("suite_name"),
            help="With several suites in the file: which one (name or suite id).",
        ),
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_store("verbose"),
            help="Log debug details.",
        ),
        click.Option(
            ["--log-format"],
            type=click.Choice(LOG_FORMATS),
            envvar="WECOM_LOG_FORMAT" if with_envvar else None,
            expose_value=False,
            callback=_store("log_format"),
            help="Log lines as text (default) or one JSON object a line (for log shippers).",
        ),
    ]


def add_common_options(command: click.Command) -> None:
    """Give ``command`` and every command under it the common options (once each)."""
    names = {name for param in command.params for name in param.opts}
    command.params.extend(p for p in common_params(with_envvar=False) if not set(p.opts) & names)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_common_options(sub)
