"""pytest plugin shipped with wecom-suite (registered through the ``pytest11`` entry point).

``wecom_sandbox``: a running :class:`~wecom_suite.sandbox.Sandbox` on a free loopback port with a
:class:`~wecom_suite.clock.ManualClock` (``wecom_sandbox_clock``), immediate push retries, stopped after the
test; override ``wecom_sandbox_options`` in a ``conftest.py`` for other ``Sandbox`` keyword arguments.
``wecom_suite_service``: a ``SuiteApp`` for that sandbox (``memory://`` store, inbox worker off: call
``app.process_pending()``), served over loopback; the sandbox pushes to it.
Everything is imported when a fixture is used, so merely installing the plugin costs a test session nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from ..clock import ManualClock

if TYPE_CHECKING:
    from ..app.suite_app import SuiteApp
    from ..sandbox import Sandbox

__all__ = ["ServedSuite", "wecom_sandbox", "wecom_sandbox_clock", "wecom_sandbox_options", "wecom_suite_service"]


class ServedSuite(NamedTuple):
    """The app and its base URL (``http://127.0.0.1:PORT``; the endpoints are under ``app.config.url_prefix``)."""

    app: SuiteApp
    base_url: str


@pytest.fixture
def wecom_sandbox_clock() -> ManualClock:
    """The sandbox's clock: share it with the code under test so that tokens and timestamps agree."""
    return ManualClock(1_700_000_000)


@pytest.fixture
def wecom_sandbox_options() -> dict[str, Any]:
    """More keyword arguments for the ``Sandbox`` of ``wecom_sandbox`` (none by default). Override it in a
    ``conftest.py``: ``{"ticket_interval": None}`` for no suite_ticket schedule, ``auth_push_timeout``, ..."""
    return {}


@pytest.fixture
def wecom_sandbox(wecom_sandbox_clock: ManualClock, wecom_sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    """A local WeCom for one test: ``wecom_sandbox.settings`` has the suite's ids, secrets and URLs."""
    from ..sandbox import Sandbox

    with Sandbox(clock=wecom_sandbox_clock, **wecom_sandbox_options) as sandbox:
        yield sandbox


@pytest.fixture
def wecom_suite_service(wecom_sandbox: Sandbox) -> Iterator[ServedSuite]:
    """A ``SuiteApp`` wired to ``wecom_sandbox`` and served over loopback: ``push_ticket()`` reaches it."""
    from ..app.paths import DATA_PATH, INSTRUCTION_PATH
    from .server import bind_loopback, serve_in_thread
    from .suite import suite_app_for

    sock = bind_loopback()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with suite_app_for(wecom_sandbox, start_worker=False, public_base_url=base_url) as app:
        prefix = app.config.url_prefix
        wecom_sandbox.callback_url = base_url + prefix + INSTRUCTION_PATH
        wecom_sandbox.data_callback_url = base_url + prefix + DATA_PATH
        with serve_in_thread(app, sock=sock) as url:
            yield ServedSuite(app, url)
