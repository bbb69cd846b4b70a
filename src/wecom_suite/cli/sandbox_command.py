"""``wecom-suite sandbox`` (what ``make run`` runs): the local WeCom emulator plus the service wired to it.

Everything a provider would do in the console is done for you: the sandbox's suite id, secret,
Token and EncodingAESKey configure the service, the service's instruction callback URL is given to
the sandbox, and tickets are pushed every few seconds. Open the printed install URL in a browser.

The sandbox keeps one identity per checkout (:mod:`wecom_suite.sandbox.identity_file`): the same suite,
secrets and companies every run, kept next to the database, plus a ``--config`` file for the other
commands. ``--only`` runs the emulator alone, for a service you run yourself, and prints the
``export WECOM_...`` lines that configure it.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click
import uvicorn

from .. import metrics
from ..app.config import SuiteConfig
from ..app.console import console_token_for
from ..app.paths import DATA_PATH, INSTALL_PATH, INSTRUCTION_PATH
from ..app.suite_app import SuiteApp
from ..clock import SystemClock
from ..sandbox import Sandbox
from ..sandbox.identity_file import SandboxIdentity, identity_paths, load_or_create_identity, write_suite_config
from ..sandbox.run import run_forever
from ..sandbox.settings import SandboxSettings
from ..serving import ServerThread
from ..stores.sealing import generate_secret_key
from ..stores.url import sqlite_path
from .listening import bind_listening_socket
from .log_setup import configure_logging, register_secrets
from .store_check import check_store

__all__ = ["DEFAULT_ONLY_CALLBACK_URL", "DEFAULT_SANDBOX_STORE", "export_lines", "sandbox"]

SECRET_KEY_FILE = "wecom-suite-sandbox.secret-key"  # noqa: S105 - a file name: the sandbox's at-rest key

DEFAULT_SANDBOX_STORE = "sqlite:///./wecom-suite-sandbox.db"
DEFAULT_ONLY_CALLBACK_URL = "http://127.0.0.1:8000/wecom/callback/instruction"  # `wecom-suite serve`'s default


def _step(text: str) -> None:
    click.echo(f"==> {text}", err=True)


def _shown(path: Path) -> str:
    """``path`` as the user would type it from here: relative when it is under the working directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def _program() -> str:
    """How to type this command here: ``wecom-suite`` when that is on PATH, else its path (``.venv/bin/...``)."""
    me = Path(sys.argv[0])
    found = shutil.which("wecom-suite")
    if me.name != "wecom-suite" or (found is not None and Path(found).resolve() == me.resolve()):
        return "wecom-suite"
    return _shown(me)


def export_lines(settings: SandboxSettings) -> list[str]:
    """The ``export WECOM_...=...`` lines that point a suite service (``SuiteApp.from_env()``) at the sandbox."""
    values = {
        "WECOM_SUITE_ID": settings.suite_id,
        "WECOM_SUITE_SECRET": settings.suite_secret,
        "WECOM_TOKEN": settings.token,
        "WECOM_ENCODING_AES_KEY": settings.encoding_aes_key,
        "WECOM_PROVIDER_CORP_ID": settings.provider_corp_id,
        "WECOM_PROVIDER_SECRET": settings.provider_secret,
        "WECOM_API_BASE_URL": settings.api_base_url,
        "WECOM_INSTALL_BASE_URL": settings.install_base_url,
        "WECOM_LOGIN_BASE_URL": settings.install_base_url,  # the sandbox serves the sign-in pages too
        "WECOM_AUTH_TYPE": "test",
    }
    return [f"export {name}={value}" for name, value in values.items()]


def _identity(store_url: str | None, identity_file: str | None) -> tuple[SandboxIdentity, Path, Path]:
    if identity_file is not None:
        base = Path(identity_file)
    elif store_url and store_url.startswith("sqlite:///"):
        db = Path(sqlite_path(store_url))  # next to the database: one identity per database
        base = db.with_name(db.stem)
    else:
        base = Path("wecom-suite-sandbox")
    identity_path, config_path = identity_paths(base)
    try:
        identity, created = load_or_create_identity(identity_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    _step(f"{'created' if created else 'using'} the sandbox identity {_shown(identity_path)}"
          f" (suite {identity.settings.suite_id}; delete the file for a new one)")
    register_secrets(
        [identity.settings.suite_secret, identity.settings.token, identity.settings.encoding_aes_key,
         identity.settings.provider_secret]
    )
    return identity, identity_path, config_path


def _keep(identity: SandboxIdentity, path: Path, emulator: Sandbox) -> None:
    """Save the companies' authorisations when they changed (an install, a cancellation, a reset)."""
    if identity.capture(emulator.emulator.companies):
        identity.save(path)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free port.")
@click.option("--store-url", default=DEFAULT_SANDBOX_STORE, show_default=True)
@click.option("--ticket-interval", default=5.0, show_default=True, type=click.FloatRange(0.5), help="Seconds.")
@click.option("--prefix", "url_prefix", default="/wecom", show_default=True)
@click.option(
    "--auth-deadline",
    "auth_deadline",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05),
    help="Seconds the service has to answer create_auth/change_auth/cancel_auth/reset_permanent_code/suite_ticket "
    "with 'success' (WeCom: 1000 ms); a later answer is a failed push.",
)
@click.option(
    "--identity",
    "identity_file",
    type=click.Path(dir_okay=False),
    help="The sandbox identity file (default: next to the SQLite database, or ./wecom-suite-sandbox.identity.json).",
)
@click.option("--only", is_flag=True, help="Run the WeCom sandbox alone, for a service you start yourself.")
@click.option(
    "--callback-url",
    help=f"With --only: your service's instruction callback URL (default {DEFAULT_ONLY_CALLBACK_URL}).",
)
@click.option(
    "--sandbox-port",
    type=click.IntRange(0, 65535),
    help="The sandbox's own port (default: any free port; with --only: 8089).",
)
@click.pass_context
def sandbox(
    ctx: click.Context,
    host: str,
    port: int,
    store_url: str,
    ticket_interval: float,
    url_prefix: str,
    auth_deadline: float,
    identity_file: str | None,
    only: bool,
    callback_url: str | None,
    sandbox_port: int | None,
) -> None:
    """Run the WeCom sandbox and the suite service wired to it, until Ctrl-C."""
    obj = ctx.obj or {}
    verbose, log_format = bool(obj.get("verbose")), obj.get("log_format") or "text"
    configure_logging(verbose, log_format, server_lines=False)
    if callback_url and not only:
        raise click.UsageError("--callback-url needs --only (without it the sandbox calls its own service)")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if only:
        relog = lambda: configure_logging(verbose, log_format, server_lines=False)  # noqa: E731
        _run_only(host, sandbox_port, callback_url, ticket_interval, auth_deadline, identity_file, stop, relog)
        return
    check_store(store_url)  # a store nobody can use: one line, before anything starts
    identity, identity_path, config_path = _identity(store_url, identity_file)
    sock = bind_listening_socket(host, port)  # listening already: the sandbox's first pushes wait in the backlog
    service_url = f"http://{host}:{sock.getsockname()[1]}"
    _step(f"starting the WeCom sandbox (authorisation callbacks must be answered within {auth_deadline:g} s)")
    emulator = Sandbox(
        clock=SystemClock(),
        callback_url=f"{service_url}{url_prefix}{INSTRUCTION_PATH}",
        data_callback_url=f"{service_url}{url_prefix}{DATA_PATH}",
        ticket_interval=ticket_interval,
        host=host,
        port=sandbox_port or 0,
        settings=identity.settings,
        companies=identity.companies(),
        auth_push_timeout=auth_deadline,
        background_pushes=True,
        schedule_thread=True,
    )
    app: SuiteApp | None = None
    server: ServerThread | None = None
    try:
        emulator.start()
        settings = emulator.settings
        _step(f"sandbox (WeCom) at {emulator.base_url}, suite {settings.suite_id}")
        _step(f"starting the suite service at {service_url} (store {store_url})")
        # One key sealing the sandbox's secrets at rest, and one console token, kept beside the database
        # (owner-only files, like the identity) so that every run opens the data of the previous one.
        secret_key = console_token_for(store_url, name=SECRET_KEY_FILE, make=generate_secret_key)
        console_token = console_token_for(store_url)
        write_suite_config(
            config_path, settings, store_url=_absolute(store_url), public_base_url=service_url, url_prefix=url_prefix,
            secret_key=secret_key, console_token=console_token,
        )
        metrics.enable()  # /metrics on, as under `wecom-suite serve`
        app = SuiteApp(
            SuiteConfig(
                suite_id=settings.suite_id,
                suite_secret=settings.suite_secret,
                token=settings.token,
                encoding_aes_key=settings.encoding_aes_key,
                provider_corp_id=settings.provider_corp_id,
                provider_secret=settings.provider_secret,
                store_url=store_url,
                api_base_url=settings.api_base_url,
                install_base_url=settings.install_base_url,
                login_base_url=settings.install_base_url,  # sign-in goes to the sandbox's login pages too
                auth_type="test",
                public_base_url=service_url,
                url_prefix=url_prefix,
                name="sandbox",
                secret_key=secret_key,
                console_token=console_token,
            )
        )
        app.start()
        server = ServerThread(
            uvicorn.Config(app.asgi(), log_config=None, log_level=None, lifespan="off", access_log=False),
            sock,
            name="wecom-service",
        )
        configure_logging(verbose, log_format, server_lines=False)  # again: the sandbox's uvicorn set its own
        try:
            server.start()
        except RuntimeError as exc:
            raise click.ClickException(f"the suite service did not start ({exc})") from None
        click.echo("")
        click.secho(f"  Open {service_url}{url_prefix}{INSTALL_PATH} in a browser to install the app.", bold=True)
        click.echo(f"  Operator console: {service_url}{url_prefix}/console (sign in with {console_token})")
        click.echo(f"  Tickets are pushed every {ticket_interval:g} s; press Ctrl-C to stop.")
        click.echo(f"  Inspect the store: {_program()} --config {_shown(config_path)} corps list\n")
        while not stop.wait(0.5) and server.serving:
            _keep(identity, identity_path, emulator)
    finally:
        _step("stopping")
        emulator.stop()  # first: its last pushes still find the service up
        _keep(identity, identity_path, emulator)
        if server is not None:
            server.stop(15)
        if app is not None:
            app.close()
        sock.close()  # when the service never started (the ServerThread closes it otherwise)


def _absolute(store_url: str) -> str:
    """A SQLite URL that means the same file from any working directory (for the ``--config`` file)."""
    if store_url.startswith("sqlite:///"):
        return "sqlite:///" + str(Path(sqlite_path(store_url)).resolve())
    return store_url


def _run_only(
    host: str,
    sandbox_port: int | None,
    callback_url: str | None,
    ticket_interval: float,
    auth_deadline: float,
    identity_file: str | None,
    stop: threading.Event,
    relog: Callable[[], None],
) -> None:
    """The emulator alone: pushes go to ``callback_url``; prints the exports that configure a service."""
    identity, identity_path, config_path = _identity(None, identity_file)
    callback = callback_url or DEFAULT_ONLY_CALLBACK_URL
    data_callback = (
        callback[: -len(INSTRUCTION_PATH)] + DATA_PATH if callback.endswith(INSTRUCTION_PATH) else None
    )
    port = 8089 if sandbox_port is None else sandbox_port
    _step(f"starting the WeCom sandbox alone; it pushes to {callback}")

    parts = urlsplit(callback)
    public = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    url_prefix = parts.path[: -len(INSTRUCTION_PATH)] if parts.path.endswith(INSTRUCTION_PATH) else "/wecom"

    def announce(emulator: Sandbox) -> None:
        relog()  # the sandbox's uvicorn applied its own logging defaults
        settings = emulator.settings
        write_suite_config(config_path, settings, store_url=None, public_base_url=public, url_prefix=url_prefix)
        _step(f"sandbox (WeCom) at {emulator.base_url}, suite {settings.suite_id}")
        click.echo("")
        click.secho(f"  Configure your service with these (or: {_program()} --config "
                    f"{_shown(config_path)} serve):", bold=True)
        for line in export_lines(settings):
            click.echo(line)
        click.echo(f"\n  Tickets are pushed every {ticket_interval:g} s; press Ctrl-C to stop.\n")

    try:
        run_forever(
            host=host,
            port=port,
            callback_url=callback,
            data_callback_url=data_callback,
            ticket_interval=ticket_interval,
            settings=identity.settings,
            companies=identity.companies(),
            auth_push_timeout=auth_deadline,
            announce=announce,
            tick=lambda emulator: _keep(identity, identity_path, emulator),
            stop=stop,
        )
    finally:
        _step("stopping")

