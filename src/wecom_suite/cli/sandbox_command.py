"""``wecom-suite sandbox`` (what ``make run`` runs): the local WeCom emulator plus the service wired to it.

Everything a provider would do in the console is done for you: the sandbox's suite id, secret,
Token and EncodingAESKey configure the service, the service's instruction callback URL is given to
the sandbox, and tickets are pushed every few seconds. Open the printed install URL in a browser.
"""

from __future__ import annotations

import signal
import threading
import time

import click
import uvicorn

from ..app.config import SuiteConfig
from ..app.paths import INSTALL_PATH, INSTRUCTION_PATH
from ..app.suite_app import SuiteApp
from ..clock import SystemClock
from ..sandbox import Sandbox
from .listening import bind_listening_socket
from .log_setup import configure_logging

__all__ = ["DEFAULT_SANDBOX_STORE", "sandbox"]

DEFAULT_SANDBOX_STORE = "sqlite:///./wecom-suite-sandbox.db"


def _step(text: str) -> None:
    click.echo(f"==> {text}", err=True)


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
@click.pass_context
def sandbox(
    ctx: click.Context,
    host: str,
    port: int,
    store_url: str,
    ticket_interval: float,
    url_prefix: str,
    auth_deadline: float,
) -> None:
    """Run the WeCom sandbox and the suite service wired to it, until Ctrl-C."""
    configure_logging(bool(ctx.obj.get("verbose")) if ctx.obj else False)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    sock = bind_listening_socket(host, port)  # listening already: the sandbox's first pushes wait in the backlog
    service_url = f"http://{host}:{sock.getsockname()[1]}"
    _step(f"starting the WeCom sandbox (authorisation callbacks must be answered within {auth_deadline:g} s)")
    emulator = Sandbox(
        clock=SystemClock(),
        callback_url=f"{service_url}{url_prefix}{INSTRUCTION_PATH}",
        ticket_interval=ticket_interval,
        host=host,
        auth_push_timeout=auth_deadline,
        background_pushes=True,
        schedule_thread=True,
    )
    app: SuiteApp | None = None
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    try:
        emulator.start()
        settings = emulator.settings
        _step(f"sandbox (WeCom) at {emulator.base_url}, suite {settings.suite_id}")
        _step(f"starting the suite service at {service_url} (store {store_url})")
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
                auth_type="test",
                public_base_url=service_url,
                url_prefix=url_prefix,
                name="sandbox",
            )
        )
        server = uvicorn.Server(uvicorn.Config(app.asgi(), log_level="warning", lifespan="off", access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="wecom-service", daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            time.sleep(0.01)  # polling for our own server thread to come up
        if not thread.is_alive():
            raise click.ClickException("the suite service did not start (see the log above)")
        click.echo("")
        click.secho(f"  Open {service_url}{url_prefix}{INSTALL_PATH} in a browser to install the app.", bold=True)
        click.echo(f"  Tickets are pushed every {ticket_interval:g} s; press Ctrl-C to stop.\n")
        while not stop.wait(0.5) and thread.is_alive():
            pass
    finally:
        _step("stopping")
        emulator.stop()  # first: its last pushes still find the service up
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(15)
        if app is not None:
            app.close()
        sock.close()
