"""``wecom-suite serve``: the suite service under uvicorn."""

from __future__ import annotations

import os

import click

from ..app.config import SuiteConfig
from ..app.paths import console_urls
from ..app.suite_group import SuiteGroup
from .asgi_factory import CONFIG_ENV, SUITE_ENV, WARM_TOKENS_ENV
from .listening import bind_listening_socket, run_workers
from .loading import load_all
from .log_setup import configure_logging

__all__ = ["print_summary", "serve"]


def print_summary(configs: list[SuiteConfig], base_url: str) -> None:
    """The effective configuration (secrets redacted) and the URLs to enter in the provider console."""
    for config in configs:
        click.secho(f"suite {config.name}", bold=True)
        width = max(len(name) for name, _ in config.describe())
        for name, value in config.describe():
            click.echo(f"  {name.ljust(width)}  {value}")
        click.echo("  URLs for the provider console (服务商管理后台):")
        urls = console_urls(
            config.public_base_url or base_url, config.url_prefix, system_events=bool(config.provider_corp_id)
        )
        label_width = max(len(label) for label in urls)
        for label, url in urls.items():
            click.echo(f"    {label.ljust(label_width)}  {url}")
        if not config.provider_corp_id:
            click.echo(
                "  (no provider_corp_id: URL verification accepts any receive id, and the system event URL"
                " (系统事件接收URL) is off; set it to enable both)"
            )
        if not config.public_base_url:
            click.echo("  (set public_base_url to the https address WeCom reaches; these use the listen address)")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
@click.option("--check", is_flag=True, help="Validate and print the configuration, then exit.")
@click.option(
    "--warm-tokens",
    is_flag=True,
    help="Refresh the suite token and every active company's token in the background before they expire.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, check: bool, warm_tokens: bool) -> None:
    """Run the suite service (callbacks, install flow) with uvicorn."""
    configs = load_all(ctx)
    if check:
        print_summary(configs, f"http://{host}:{port}")
        click.echo("configuration OK")
        return
    sock = bind_listening_socket(host, port)  # a busy port: one error line, before any output or worker
    print_summary(configs, f"http://{host}:{sock.getsockname()[1]}")
    import uvicorn

    configure_logging(bool(ctx.obj.get("verbose")))
    if workers == 1:
        group = SuiteGroup.from_configs(configs, warm_tokens=warm_tokens)
        try:
            config = uvicorn.Config(group.asgi(), host=host, port=port, log_level="info", lifespan="off")
            uvicorn.Server(config).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown; as uvicorn.run, exit 0
            pass
        finally:
            group.close()
            sock.close()
        return
    # Several processes: each imports the app and reads the configuration again from the environment.
    if ctx.obj.get("config_path"):
        os.environ[CONFIG_ENV] = os.path.abspath(ctx.obj["config_path"])
    if ctx.obj.get("suite_name"):
        os.environ[SUITE_ENV] = ctx.obj["suite_name"]
    if warm_tokens:
        os.environ[WARM_TOKENS_ENV] = "1"
    config = uvicorn.Config(
        "wecom_suite.cli.asgi_factory:create_asgi",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        lifespan="off",
    )
    try:
        run_workers(config, sock)  # the workers share our socket (uvicorn's own would lack TCP_NODELAY)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
