"""``wecom-suite serve``: the suite service under uvicorn."""

from __future__ import annotations

import os

import click

from .. import metrics
from ..app.config import SuiteConfig, reveal
from ..app.pages import TEMPLATE_DIR_ENV
from ..app.paths import console_urls
from ..app.suite_group import SuiteGroup
from .asgi_factory import CONFIG_ENV, SUITE_ENV
from .listening import bind_listening_socket, run_workers
from .loading import load_all
from .log_setup import (
    LOG_FORMAT_ENV,
    LOG_LEVEL_ENV,
    LOG_PROCESSES_ENV,
    configure_logging,
    logging_config,
    register_config_secrets,
)
from .store_check import check_store

WARM_TOKENS_ENV = "WECOM_WARM_TOKENS"  # serve --warm-tokens sets the warm_tokens setting's variable

__all__ = ["check_stores", "print_summary", "serve"]


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


def check_stores(configs: list[SuiteConfig]) -> None:
    """Open every distinct store once (StoreError / ConfigError, one line with a hint, if one is unusable)."""
    urls = [reveal(url) for c in configs for url in (c.store_url, c.cache_url) if url is not None]
    for url in dict.fromkeys(urls):
        check_store(url)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0: all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
@click.option("--check", is_flag=True, help="Validate the configuration, open the store, print both, then exit.")
@click.option(
    "--warm-tokens",
    is_flag=True,
    help="Refresh the suite token and every active company's token in the background before they expire"
    " (the warm_tokens setting, WECOM_WARM_TOKENS=1, for every suite).",
)
@click.option("--metrics/--no-metrics", "metrics_on", default=True, show_default=True,
              help="Serve Prometheus metrics at /metrics (docs/operations-console.md).")
@click.option(
    "--templates",
    "template_dir",
    type=click.Path(file_okay=False, exists=True),
    envvar=TEMPLATE_DIR_ENV,
    help="A folder of Jinja2 templates that replace the default install, success and error pages.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    check: bool,
    warm_tokens: bool,
    metrics_on: bool,
    template_dir: str | None,
) -> None:
    """Run the suite service (callbacks, install flow) with uvicorn."""
    if warm_tokens:  # the setting's variable: this process and every worker process read it with the rest
        os.environ[WARM_TOKENS_ENV] = "1"
    configs = load_all(ctx)
    check_stores(configs)  # a store nobody can use: one line now, not a traceback a second later
    if check:
        print_summary(configs, f"http://{host}:{port}")
        click.echo("configuration OK (store reachable)")
        return
    sock = bind_listening_socket(host, port)  # a busy port: one error line, before any output or worker
    print_summary(configs, f"http://{host}:{sock.getsockname()[1]}")
    import uvicorn

    verbose = bool(ctx.obj.get("verbose"))
    log_format = ctx.obj.get("log_format") or "text"
    # The same logging in this process and in every worker: uvicorn applies log_config in each worker,
    # and the factory applies it again from the environment (for servers that start it themselves).
    os.environ[LOG_FORMAT_ENV] = log_format
    os.environ[LOG_LEVEL_ENV] = "DEBUG" if verbose else "INFO"
    os.environ[LOG_PROCESSES_ENV] = "1" if workers > 1 else "0"
    if template_dir:
        os.environ[TEMPLATE_DIR_ENV] = os.path.abspath(template_dir)
    log_config = logging_config(verbose=verbose, log_format=log_format, access_log=verbose, processes=workers > 1)
    configure_logging(verbose, log_format, processes=workers > 1)
    register_config_secrets(configs)
    common: dict[str, object] = {
        "host": host,
        "port": port,
        "log_config": log_config,
        "log_level": None,
        "access_log": verbose,
        "lifespan": "off",
    }
    if workers == 1:
        if metrics_on:
            metrics.enable()
        group = SuiteGroup.from_configs(configs)
        group.start()  # what a previous process left in the inbox is processed now, not at the first request
        try:
            config = uvicorn.Config(group.asgi(), **common)  # type: ignore[arg-type]
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
    cleanup = metrics.prepare_multiprocess(workers) if metrics_on else (lambda: None)  # before the workers start
    config = uvicorn.Config(
        "wecom_suite.cli.asgi_factory:create_asgi",
        factory=True,
        workers=workers,
        **common,  # type: ignore[arg-type]
    )
    try:
        run_workers(config, sock)  # the workers share our socket (uvicorn's own would lack TCP_NODELAY)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        cleanup()
