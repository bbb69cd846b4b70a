"""``run_forever``: the sandbox as a long-running process (``wecom-suite sandbox --only`` calls this)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..clock import SystemClock
from .rules.directory import SimCompany
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
    companies: list[SimCompany] | None = None,
    install_delivery: InstallDelivery = "both",
    retry_delays: tuple[float, ...] = (1.0, 5.0, 10.0),
    auth_push_timeout: float = 1.0,
    announce: Callable[[Sandbox], None] | None = None,
    tick: Callable[[Sandbox], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve on real time until ``stop`` is set (or Ctrl-C): suite_tickets are pushed at start and
    then every ``ticket_interval`` seconds to ``callback_url``; pushes run in the background.

    ``settings`` and ``companies`` make it the same WeCom as before (see :mod:`.identity`).
    ``announce(sandbox)`` is called once serving (the CLI prints the settings to configure the app);
    ``tick(sandbox)`` about every half second and once more before stopping (the CLI saves the identity).
    """
    sandbox = Sandbox(
        clock=SystemClock(), host=host, port=port, callback_url=callback_url, data_callback_url=data_callback_url,
        ticket_interval=ticket_interval, settings=settings, companies=companies, install_delivery=install_delivery,
        retry_delays=retry_delays, auth_push_timeout=auth_push_timeout,
    )
    stop = stop or threading.Event()
    with sandbox:
        if announce is not None:
            announce(sandbox)
        try:
            while not stop.wait(0.5):
                if tick is not None:
                    tick(sandbox)
        except KeyboardInterrupt:
            pass
        finally:
            if tick is not None:
                tick(sandbox)
