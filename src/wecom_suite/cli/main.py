"""``wecom-suite``: the command group, and one clear line (exit 1) for every deliberate error."""

from __future__ import annotations

from typing import Any

import click

from ..errors import WeComSuiteError
from .inbox_commands import inbox
from .inspect_commands import corps, ticket, token
from .keygen import keygen
from .sandbox_command import sandbox
from .serve import serve
from .store_commands import store

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Turns our own exceptions into ``Error: <message> (hint: …)`` and exit status 1, no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WeComSuiteError as exc:
            raise click.ClickException(" ".join(str(exc).split())) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="WECOM_SUITE_CONFIG",
    help="TOML configuration file (default: WECOM_* environment variables).",
)
@click.option("--suite", "suite_name", help="With several suites in the file: which one (name or suite id).")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.version_option(package_name="wecom-suite")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, suite_name: str | None, verbose: bool) -> None:
    """wecom-suite: run and inspect a WeCom (企业微信) third-party suite service."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    ctx.obj["suite_name"] = suite_name
    ctx.obj["verbose"] = verbose


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
