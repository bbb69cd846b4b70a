"""SuiteApp's lifetime: constructing starts no thread, whatever the store; start(), ``with``, the ASGI
lifespan or the first request the app serves do, and the automatic ones respect ``start_worker=False``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.app.suite_world import config_for
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.app.suite_group import SuiteGroup
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import MemoryStore
from wecom_suite.web.request import WebRequest


def inbox_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("wecom-inbox-")]


def new_threads(before: set[threading.Thread]) -> list[str]:
    """Every thread running now that was not running in ``before`` (any name: the store's too)."""
    return sorted(t.name for t in threading.enumerate() if t not in before)


def make(sandbox: Sandbox, **options: Any) -> SuiteApp:
    return SuiteApp(config_for(sandbox), store=MemoryStore(), **options)


StoreUrl = Callable[[], str]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lifetime.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_constructing_on_the_default_store_starts_no_thread(wecom_sandbox: Sandbox, store_url: str) -> None:
    """The store the app opens itself (SQLite's writer, psycopg_pool's workers) starts no thread either."""
    before = set(threading.enumerate())
    app = SuiteApp(config_for(wecom_sandbox, store_url=store_url))
    try:
        assert new_threads(before) == []
        app.store.companies.get_company(app.config.suite_id, "nobody")  # a read (psycopg_pool starts here)
        if not store_url.startswith("postgres"):
            assert new_threads(before) == []
        app.start()
        assert len([n for n in new_threads(before) if n.startswith("wecom-inbox-")]) == app.worker.policy.workers + 1
        app.store.tokens.delete_token("nothing")  # a write: SQLite's writer thread starts now
        if store_url.startswith("sqlite"):
            assert any(n.startswith("sqlite-writer:") for n in new_threads(before))
    finally:
        app.close()
    assert new_threads(before) == []


def test_the_stores_open_lazily_and_still_write(store_url: str) -> None:
    """Opening then using a store from many threads at once: one writer, one pool, every write lands."""
    from wecom_suite.stores.url import open_store

    before = set(threading.enumerate())
    store = open_store(store_url)
    try:
        assert new_threads(before) == []
        from wecom_suite.stores.records import StoredToken

        threads = [
            threading.Thread(target=store.tokens.set_token, args=(f"k{n}", StoredToken(f"t{n}", 2e9, 1e9)))
            for n in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert all(store.tokens.get_token(f"k{n}") == StoredToken(f"t{n}", 2e9, 1e9) for n in range(8))
        if store_url.startswith("sqlite"):
            assert len([n for n in new_threads(before) if n.startswith("sqlite-writer:")]) == 1
    finally:
        store.close()
    assert new_threads(before) == []


def test_constructing_starts_nothing_and_with_starts_and_stops(wecom_sandbox: Sandbox) -> None:
    before = len(inbox_threads())
    app = make(wecom_sandbox)
    assert len(inbox_threads()) == before
    with app:
        assert len(inbox_threads()) == before + app.worker.policy.workers + 1  # workers + heartbeat
    assert len(inbox_threads()) == before


def test_with_and_the_first_request_respect_start_worker_false(wecom_sandbox: Sandbox) -> None:
    manual = make(wecom_sandbox, start_worker=False)
    try:
        with manual:
            manual.handle(WebRequest.from_raw("GET", "/wecom/healthz", b"", {}, b""))
            assert not manual.worker.started
            manual.start()  # an explicit start() always starts
            assert manual.worker.started
    finally:
        manual.close()


def test_only_a_request_the_app_serves_starts_it(wecom_sandbox: Sandbox) -> None:
    app = make(wecom_sandbox)
    try:
        app.handle(WebRequest.from_raw("GET", "/elsewhere", b"", {}, b""))  # a 404: not this app's request
        assert not app.worker.started
        app.handle(WebRequest.from_raw("GET", "/wecom/healthz", b"", {}, b""))
        assert app.worker.started
        app.stop()  # a lifespan shutdown: a late request does not start the workers again
        app.handle(WebRequest.from_raw("GET", "/wecom/healthz", b"", {}, b""))
        assert not app.worker.started
    finally:
        app.close()
    assert not app.worker.started


def run_lifespan(asgi: Any, probe: Callable[[], bool]) -> list[bool]:
    seen: list[bool] = []

    async def run() -> None:
        messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive() -> Any:
            return next(messages)

        async def send(message: Any) -> None:
            seen.append(probe())

        await asgi({"type": "lifespan"}, receive, send)

    anyio.run(run)
    return seen


@pytest.mark.parametrize("start_worker", [True, False])
def test_the_asgi_lifespan_starts_the_workers_unless_start_worker_false(
    wecom_sandbox: Sandbox, start_worker: bool
) -> None:
    app = make(wecom_sandbox, start_worker=start_worker)
    try:
        seen = run_lifespan(app.asgi(), lambda: app.worker.started)
    finally:
        app.close()
    assert seen == [start_worker, False]  # after startup.complete, after shutdown.complete


def test_a_groups_lifespan_respects_each_apps_start_worker(wecom_sandbox: Sandbox) -> None:
    auto = SuiteApp(config_for(wecom_sandbox, name="auto", url_prefix="/a"), store=MemoryStore())
    manual = SuiteApp(
        config_for(wecom_sandbox, name="manual", url_prefix="/m", suite_id="wwmanual"),
        store=MemoryStore(),
        start_worker=False,
    )
    group = SuiteGroup([auto, manual])
    try:
        seen = run_lifespan(group.asgi(), lambda: auto.worker.started and not manual.worker.started)
    finally:
        group.close()
    assert seen == [True, False]
