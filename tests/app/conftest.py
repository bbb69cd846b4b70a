"""Fixtures for the app tests (helpers live in suite_world.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.app.suite_world import AUTH_DEADLINE, PREFIX, START, ServedApp, World, WorldFactory, bound_socket, config_for
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox, SandboxSettings
from wecom_suite.stores.memory import MemoryStore


@pytest.fixture
def make_world() -> Iterator[WorldFactory]:
    """Sandbox + SuiteApp over loopback on one ManualClock. The worker is off: tests call ``process_pending()``.

    The sandbox holds the app to WeCom's 1000 ms for create_auth & co (``AUTH_DEADLINE``): a slower
    answer is a failed push, so every test that installs proves the app answers in time.
    Keyword arguments override configuration settings (``success_redirect_url=...``); ``store`` and
    ``clock`` replace the in-memory store and the fresh ManualClock; ``sandbox_settings`` fixes the
    sandbox's suite credentials (e.g. to know its EncodingAESKey before the app is configured).
    """
    with ExitStack() as cleanup:

        def make(
            *,
            store: Any = None,
            clock: ManualClock | None = None,
            sandbox_settings: SandboxSettings | None = None,
            **overrides: Any,
        ) -> World:
            clock = clock or ManualClock(START)
            sock = bound_socket()
            service_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            sandbox = Sandbox(
                clock=clock,
                callback_url=f"{service_url}{PREFIX}/callback/instruction",
                ticket_interval=None,
                auth_push_timeout=AUTH_DEADLINE,
                settings=sandbox_settings,
            )
            sandbox.start()
            cleanup.callback(sandbox.stop)
            store = store if store is not None else MemoryStore(clock)
            cleanup.callback(store.close)
            app = SuiteApp(config_for(sandbox, **overrides), store=store, clock=clock, start_worker=False)
            cleanup.callback(app.close)
            service = ServedApp(app.asgi(), sock).start()
            cleanup.callback(service.stop)
            return World(clock, sandbox, app, service)

        yield make


@pytest.fixture
def world(make_world: WorldFactory) -> World:
    return make_world()
