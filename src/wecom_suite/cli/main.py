"""``wecom-suite``: the command group, and one clear line (exit 1) for every deliberate error."""

from __future__ import annotations

from typing import Any

import click

from ..errors import ConfigError, WeComSuiteError
from .common_options import add_common_options, common_params
from .inbox_commands import inbox
from .inspect_commands import corps, ticket, token
from .keygen import keygen
from .sandbox_command import sandbox
from .serve import serve
from .store_commands import store

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Turns our own exceptions into ``Error: <message> (hint: …)`` and exit status 1, no traceback.

    Every command added gets the common options (``--config`` …), so they work after its name too.
    """

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        add_common_options(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # one line per problem, as docs/configuration.md shows
            raise click.ClickException(_lines(exc)) from None
        except WeComSuiteError as exc:
            raise click.ClickException(" ".join(str(exc).split())) from None


def _lines(exc: ConfigError) -> str:
    """The error's report with each line's inner whitespace folded, its indentation and line breaks kept."""
    lines = str(exc).splitlines() or [""]
    return "\n".join(line[: len(line) - len(line.lstrip())] + " ".join(line.split()) for line in lines)


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=common_params(with_envvar=True),
)
@click.version_option(package_name="wecom-suite")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """wecom-suite: run and inspect a WeCom (企业微信) third-party suite service.

    --config, --suite, --verbose and --log-format may be given before or after the command name.
    """
    ctx.ensure_object(dict)


cli.add_command(serve)
cli.add_command(sandbox)
cli.add_command(keygen)
cli.add_command(corps)
cli.add_command(ticket)
cli.add_command(token)
cli.add_command(inbox)
cli.add_command(store)


def main() -> None:
    """Console-script entry point (``wecom-suite``)."""
    cli(prog_name="wecom-suite")
