"""``{prefix}/healthz`` and ``{prefix}/readyz``: what each check reports and when a probe fails."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.health import STALL_AFTER
from wecom_suite.app.inbox_worker import DeliveryPolicy
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import InboxItem, SuiteTicket
from wecom_suite.stores.store import PART_NAMES, Store
from wecom_suite.web.request import WebRequest

START = 1_700_000_000.0


def make_app(clock: ManualClock, store: Store | None = None, **options: Any) -> SuiteApp:
    config = SuiteConfig(
        suite_id="wwhealth",
        suite_secret="suite-secret-value",
        token="callbacktoken",
        encoding_aes_key=base64.b64encode(bytes(range(32))).decode()[:-1],
        store_url="memory://",
    )
    return SuiteApp(config, store=store or MemoryStore(clock), clock=clock, **options)


@pytest.fixture
def app(clock: ManualClock) -> Iterator[SuiteApp]:
    suite = make_app(clock, start_worker=False)
    try:
        yield suite
    finally:
        suite.close()


def probe(app: SuiteApp, path: str, query: str = "", method: str = "GET") -> tuple[int, dict[str, Any]]:
    answer = app.handle(WebRequest.from_raw(method, f"/wecom{path}", query))
    assert answer.headers["content-type"].startswith("application/json"), answer.body
    return answer.status, json.loads(answer.body)


def test_healthz_answers_while_the_process_lives(app: SuiteApp) -> None:
    assert probe(app, "/healthz") == (200, {"status": "ok", "suite": "wwhealth"})
    assert app.handle(WebRequest.from_raw("POST", "/wecom/healthz")).status == 405


def test_a_missing_ticket_degrades_readiness_and_fails_the_strict_probe(app: SuiteApp) -> None:
    status, body = probe(app, "/readyz")
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["store"] == {"ok": True, "gating": True}
    assert body["checks"]["suite_ticket"]["ok"] is False
    assert body["checks"]["suite_ticket"]["age_seconds"] is None
    status, body = probe(app, "/readyz", "strict=1")
    assert (status, body["status"]) == (503, "not_ready")


def test_a_fresh_ticket_is_ready_and_a_30_minute_old_one_is_not(app: SuiteApp, clock: ManualClock) -> None:
    app.store.tickets.save_ticket(SuiteTicket("wwhealth", "t", clock.now()))
    clock.advance(1799)
    assert probe(app, "/readyz", "strict=1") == (200, {
        "status": "ready", "suite": "wwhealth",
        "checks": {
            "store": {"ok": True, "gating": True},
            "suite_ticket": {"ok": True, "gating": True, "age_seconds": 1799.0},
            "inbox": {"ok": True, "gating": True, "pending": 0, "dead": 0, "oldest_pending_age_seconds": None,
                      "worker_running": False},
        },
    })
    clock.advance(1)
    status, body = probe(app, "/readyz", "strict=1")
    assert status == 503
    assert "older than 30 minutes" in body["checks"]["suite_ticket"]["detail"]
    assert probe(app, "/readyz")[0] == 200


def test_a_stalled_inbox_is_reported_only_where_the_worker_runs(clock: ManualClock) -> None:
    store = MemoryStore(clock)
    store.tickets.save_ticket(SuiteTicket("wwhealth", "t", clock.now()))
    # An item that cannot be claimed yet (its backoff runs far beyond the stall limit).
    item = InboxItem("a" * 64, "wwhealth", b"<xml/>", clock.now(), queue="wwcorp", not_before=clock.now() + 10**6)
    assert store.inbox.put(item)
    idle = make_app(clock, store, start_worker=False)
    worker = make_app(clock, store, delivery=DeliveryPolicy(workers=1, idle_wait_seconds=0.05))
    try:
        clock.advance(STALL_AFTER + 1)
        status, body = probe(idle, "/readyz", "strict=1")
        assert status == 200
        assert body["checks"]["inbox"]["worker_running"] is False
        assert body["checks"]["inbox"]["oldest_pending_age_seconds"] == STALL_AFTER + 1
        status, body = probe(worker, "/readyz")
        assert (status, body["status"]) == (200, "degraded")
        assert "waits longer than 900 s" in body["checks"]["inbox"]["detail"]
        assert probe(worker, "/readyz", "strict=1")[0] == 503
    finally:
        idle.close()
        worker.close()


class _BrokenInbox:
    """The inbox part of a store whose backend went away (our own protocol, not a database)."""

    def stats(self, suite_id: str) -> Any:
        raise ConnectionError("connection refused")


def test_an_unreachable_store_fails_even_the_lenient_probe(clock: ManualClock) -> None:
    memory = MemoryStore(clock)
    parts = {name: getattr(memory, name) for name in PART_NAMES}
    store = Store(**{**parts, "inbox": _BrokenInbox()}, url="memory://")
    app = make_app(clock, store, start_worker=False)
    try:
        status, body = probe(app, "/readyz")
        assert (status, body["status"]) == (503, "not_ready")
        assert body["checks"]["store"] == {"ok": False, "gating": True,
                                           "detail": "the store did not answer: ConnectionError"}
        assert "refused" not in json.dumps(body)  # the exception's type only: messages may carry a URL
    finally:
        app.close()
