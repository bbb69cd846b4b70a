"""``GET /metrics``: off by default, and when on, what each hook counts (app + sandbox over loopback)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.app.suite_world import World, WorldFactory
from wecom_suite import metrics
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.suite_group import SuiteGroup
from wecom_suite.callback.context import CallbackContext
from wecom_suite.clock import ManualClock
from wecom_suite.stores.records import InboxItem
from wecom_suite.web.request import WebRequest


def installed(world: World) -> str:
    """A suite_ticket, then the first sandbox company installs the app (create_auth pushed and processed)."""
    world.sandbox.push_ticket()
    world.app.process_pending()
    world.sandbox.notify_create_auth(world.sandbox.install(world.corp_id, push=False), "")
    world.app.process_pending()
    return world.corp_id


def scrape(world: World) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of one scrape over HTTP, by (name, sorted labels)."""
    answer = httpx.get(f"{world.service.url}/metrics", timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels`` (0 when none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


@pytest.fixture
def metrics_on() -> Iterator[None]:
    metrics.enable()
    try:
        yield
    finally:
        metrics.disable()


def test_metrics_are_off_in_a_library_and_cost_nothing(make_world: WorldFactory) -> None:
    world = make_world()
    assert not metrics.enabled()
    assert metrics.started() == 0.0
    metrics.callback_answered("s", "instruction", "x", "recorded", 0.0)  # a no-op, not an error
    answer = httpx.get(f"{world.service.url}/metrics", timeout=10)
    assert answer.status_code == 404
    assert "metrics are off" in answer.text
    with pytest.raises(RuntimeError):
        metrics.render()


def test_callbacks_processing_tokens_and_api_calls_are_counted(make_world: WorldFactory, metrics_on: None) -> None:
    world = make_world()
    suite = world.app.config.suite_id
    corp_id = installed(world)
    rejected = httpx.post(world.url("/callback/instruction"), params={"msg_signature": "x", "timestamp": "1",
                                                                      "nonce": "n"}, content=b"<xml/>", timeout=10)
    assert rejected.status_code >= 400
    samples = scrape(world)
    callbacks = "wecom_callbacks_total"
    assert value(samples, callbacks, suite=suite, url="instruction", info_type="suite_ticket", outcome="recorded") == 1
    assert value(samples, callbacks, url="instruction", info_type="create_auth", outcome="recorded") == 1
    assert value(samples, callbacks, url="instruction", info_type="-", outcome="rejected") == 1
    assert value(samples, "wecom_callback_ack_seconds_count", url="instruction") == 3
    assert value(samples, "wecom_inbox_attempts_total", source="instruction", outcome="done") == 2
    assert value(samples, "wecom_inbox_processing_seconds_count", source="instruction") == 2
    assert value(samples, "wecom_token_refreshes_total", kind="suite_token", outcome="ok") == 1
    calls = value(samples, "wecom_api_calls_total")
    assert calls >= 2
    assert value(samples, "wecom_api_calls_total", errcode="0") == calls
    redeemed = [dict(ls)["endpoint"] for (n, ls), v in samples.items() if n == "wecom_api_calls_total" and v == 1]
    assert any(endpoint.endswith("get_permanent_code") for endpoint in redeemed), redeemed
    assert value(samples, "wecom_api_call_seconds_count") == calls
    assert value(samples, "wecom_inbox_pending", suite=suite) == 0
    assert value(samples, "wecom_inbox_dead_letters", suite=suite) == 0
    assert value(samples, "wecom_suite_ticket_age_seconds", suite=suite) == 0
    assert value(samples, "wecom_store_up", suite=suite) == 1
    world.clock.advance(90)
    assert value(scrape(world), "wecom_suite_ticket_age_seconds", suite=suite) == 90
    assert world.app.corp(corp_id)


def test_failing_handlers_show_as_retries_then_a_dead_letter(make_world: WorldFactory, metrics_on: None) -> None:
    world = make_world()
    suite = world.app.config.suite_id

    @world.app.on("suite_ticket")
    def broken(ctx: CallbackContext) -> None:
        raise RuntimeError("the handler's database is down")

    world.sandbox.push_ticket()
    world.app.process_pending()
    samples = scrape(world)
    assert value(samples, "wecom_inbox_attempts_total", outcome="retry") == 1
    assert value(samples, "wecom_inbox_pending", suite=suite) == 1
    world.clock.advance(30)
    assert value(scrape(world), "wecom_inbox_oldest_pending_age_seconds", suite=suite) == pytest.approx(30, abs=0.01)
    max_attempts = world.app.worker.policy.max_attempts
    for _ in range(max_attempts):  # bounded: each round passes the longest backoff
        world.clock.advance(world.app.worker.policy.backoff.max_delay + 1)
        world.app.process_pending()
    samples = scrape(world)
    assert value(samples, "wecom_inbox_attempts_total", outcome="retry") == max_attempts - 1
    assert value(samples, "wecom_inbox_attempts_total", outcome="dead") == 1
    assert value(samples, "wecom_inbox_dead_letters", suite=suite) == 1
    assert value(samples, "wecom_inbox_pending", suite=suite) == 0


def test_a_failed_token_fetch_is_counted_with_wecoms_errcode(make_world: WorldFactory, metrics_on: None) -> None:
    world = make_world(suite_secret="not-the-suite-secret")
    world.sandbox.push_ticket()
    world.app.process_pending()
    with pytest.raises(Exception) as failure:
        world.app.client.suite_token.token()
    samples = scrape(world)
    refreshes = {dict(ls)["outcome"]: v for (n, ls), v in samples.items() if n == "wecom_token_refreshes_total"}
    assert refreshes == {type(failure.value).__name__: 1}
    errcodes = {dict(ls)["errcode"] for (n, ls), v in samples.items() if n == "wecom_api_calls_total"}
    assert errcodes == {str(failure.value.errcode)}  # type: ignore[attr-defined]
    assert "0" not in errcodes


def test_a_suite_group_answers_one_scrape_for_every_suite_at_the_root(metrics_on: None) -> None:
    key = base64.b64encode(bytes(range(32))).decode()[:-1]
    configs = [
        SuiteConfig(suite_id=suite_id, suite_secret="s", token="t", encoding_aes_key=key, store_url="memory://",
                    url_prefix=f"/wecom/{suite_id}")
        for suite_id in ("wwgroupa", "wwgroupb")
    ]
    with SuiteGroup.from_configs(configs, clock=ManualClock(1_700_000_000.0), start_worker=False) as group:
        group.app("wwgroupb").store.inbox.put(InboxItem("b" * 64, "wwgroupb", b"<xml/>", 1_700_000_000.0))
        answer = group.handle(WebRequest.from_raw("GET", "/metrics"))
        assert answer.status == 200
        pending = {
            s.labels["suite"]: s.value
            for family in text_string_to_metric_families(answer.body.decode())
            for s in family.samples
            if s.name == "wecom_inbox_pending"
        }
        assert pending == {"wwgroupa": 0, "wwgroupb": 1}
        assert group.handle(WebRequest.from_raw("GET", "/wecom/wwgroupa/metrics")).status == 200
