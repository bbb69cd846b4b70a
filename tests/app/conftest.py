"""Fixtures for the app tests (helpers live in suite_world.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.app.suite_world import AUTH_DEADLINE, PREFIX, ServedApp, World, WorldFactory, bound_socket, config_for
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox, SandboxSettings
from wecom_suite.stores.memory import MemoryStore


@pytest.fixture
def wecom_sandbox_clock(clock: ManualClock) -> ManualClock:
    """The shipped ``wecom_sandbox`` runs on the test's one clock: WeCom, the app and its store agree."""
    return clock


@pytest.fixture
def wecom_sandbox_options() -> dict[str, Any]:
    """No suite_ticket schedule (tests push one when they want it), and WeCom's 1000 ms for create_auth & co
    (``AUTH_DEADLINE``): a slower answer is a failed push, so every test that installs proves the app is in time."""
    return {"ticket_interval": None, "auth_push_timeout": AUTH_DEADLINE}


@pytest.fixture
def make_world(
    clock: ManualClock, wecom_sandbox: Sandbox, wecom_sandbox_options: dict[str, Any]
) -> Iterator[WorldFactory]:
    """The shipped ``wecom_sandbox`` + a SuiteApp over loopback, on the test's ``clock``. The worker is off:
    tests call ``process_pending()``. One world per test.

    Keyword arguments override configuration settings (``success_redirect_url=...``); ``store`` replaces
    the in-memory store (build it on the ``clock`` fixture); ``sandbox_settings`` fixes the sandbox's suite
    credentials (e.g. to know its EncodingAESKey before the app is configured).
    """
    with ExitStack() as cleanup:
        made: list[World] = []

        def make(*, store: Any = None, sandbox_settings: SandboxSettings | None = None, **overrides: Any) -> World:
            if made:
                raise RuntimeError("one world per test (it is built on the one wecom_sandbox)")
            sock = bound_socket()
            service_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            sandbox = wecom_sandbox
            if sandbox_settings is not None:
                # Its own Sandbox: the credentials are fixed before it starts, which the shipped fixture
                # (already started) cannot do.
                sandbox = Sandbox(clock=clock, settings=sandbox_settings, **wecom_sandbox_options).start()
                cleanup.callback(sandbox.stop)
            sandbox.set_callback_url(f"{service_url}{PREFIX}/callback/instruction")
            store = store if store is not None else MemoryStore(clock)
            cleanup.callback(store.close)
            app = SuiteApp(config_for(sandbox, **overrides), store=store, clock=clock, start_worker=False)
            cleanup.callback(app.close)
            service = ServedApp(app.asgi(), sock).start()
            cleanup.callback(service.stop)
            made.append(World(clock, sandbox, app, service))
            return made[0]

        yield make


@pytest.fixture
def world(make_world: WorldFactory) -> World:
    return make_world()
