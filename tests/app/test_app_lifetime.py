"""SuiteApp's lifetime: constructing starts no thread; start(), ``with``, the ASGI lifespan or the first request do."""

from __future__ import annotations

import threading
from typing import Any

import anyio

from tests.app.suite_world import config_for
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import MemoryStore
from wecom_suite.web.request import WebRequest


def inbox_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("wecom-inbox-")]


def make(sandbox: Sandbox, **options: Any) -> SuiteApp:
    return SuiteApp(config_for(sandbox), store=MemoryStore(), **options)


def test_constructing_starts_nothing_and_with_starts_and_stops(wecom_sandbox: Sandbox) -> None:
    before = len(inbox_threads())
    app = make(wecom_sandbox)
    assert len(inbox_threads()) == before
    with app:
        assert len(inbox_threads()) == before + app.worker.policy.workers + 1  # workers + heartbeat
    assert len(inbox_threads()) == before


def test_the_first_request_starts_the_workers_unless_told_not_to(wecom_sandbox: Sandbox) -> None:
    app, manual = make(wecom_sandbox), make(wecom_sandbox, start_worker=False)
    try:
        request = WebRequest.from_raw("GET", "/wecom/nowhere", b"", {}, b"")
        manual.handle(request)
        assert not manual.worker.started
        app.handle(request)
        assert app.worker.started
    finally:
        app.close()
        manual.close()
    assert not app.worker.started


def test_the_asgi_lifespan_starts_and_stops_the_workers(wecom_sandbox: Sandbox) -> None:
    app = make(wecom_sandbox, start_worker=False)
    asgi = app.asgi()
    seen: list[bool] = []

    async def run() -> None:
        messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive() -> Any:
            return next(messages)

        async def send(message: Any) -> None:
            seen.append(app.worker.started)

        await asgi({"type": "lifespan"}, receive, send)

    try:
        anyio.run(run)
    finally:
        app.close()
    assert seen == [True, False]  # running after startup.complete, stopped by shutdown.complete
