"""``run_forever``: the sandbox as a long-running process (``wecom-suite sandbox`` calls this)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..clock import SystemClock
from .sandbox import InstallDelivery, Sandbox
from .settings import SandboxSettings

__all__ = ["run_forever"]


def run_forever(
    *,
    host: str = "127.0.0.1",
    port: int = 8089,
    callback_url: str | None = None,
    data_callback_url: str | None = None,
    ticket_interval: float = 600.0,
    settings: SandboxSettings | None = None,
    install_delivery: InstallDelivery = "both",
    retry_delays: tuple[float, ...] = (1.0, 5.0, 10.0),
    auth_push_timeout: float = 1.0,
    announce: Callable[[Sandbox], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve on real time until ``stop`` is set (or Ctrl-C): suite_tickets are pushed at start and
    then every ``ticket_interval`` seconds to ``callback_url``; pushes run in the background.

    ``announce(sandbox)`` is called once serving (the CLI prints the settings to configure the app).
    """
    sandbox = Sandbox(
        clock=SystemClock(), host=host, port=port, callback_url=callback_url, data_callback_url=data_callback_url,
        ticket_interval=ticket_interval, settings=settings, install_delivery=install_delivery,
        retry_delays=retry_delays, auth_push_timeout=auth_push_timeout,
    )
    stop = stop or threading.Event()
    with sandbox:
        if announce is not None:
            announce(sandbox)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
