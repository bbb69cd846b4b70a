"""Several suites in one process: one handler, a prefix each, one shared store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.suite_world import START, config_for
from wecom_suite.app import SuiteApp, SuiteGroup
from wecom_suite.clock import ManualClock
from wecom_suite.errors import ConfigError
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.pushes.callback_sealing import seal_post
from wecom_suite.sandbox.pushes.notifications import create_auth_xml, license_pay_success_xml, suite_ticket_xml
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.web import WebRequest


@pytest.fixture
def two_sandboxes() -> Iterator[tuple[Sandbox, Sandbox, ManualClock]]:
    clock = ManualClock(START)
    # Two Sandboxes (two suites of one provider): the shipped fixture is one.
    with Sandbox(clock=clock, ticket_interval=None) as crm, Sandbox(clock=clock, ticket_interval=None) as hr:
        yield crm, hr, clock


def deliver(group: SuiteGroup, sandbox: Sandbox, path: str, plaintext: str, ts: int) -> tuple[int, bytes]:
    s = sandbox.settings
    sealed = seal_post(
        path,
        token=s.token,
        encoding_aes_key=s.encoding_aes_key,
        receive_id=s.suite_id,
        to_user_name=s.suite_id,
        agent_id="",
        plaintext=plaintext,
        timestamp=ts,
    )
    path_only, _, query = sealed.url.partition("?")
    response = group.handle(WebRequest.from_raw("POST", path_only, query, {"content-type": "text/xml"}, sealed.body))
    return response.status, response.body


def test_each_suite_under_its_prefix_sharing_one_store(two_sandboxes: tuple[Sandbox, Sandbox, ManualClock]) -> None:
    crm_box, hr_box, clock = two_sandboxes
    store = MemoryStore(clock)
    crm = SuiteApp(
        config_for(crm_box, name="crm", url_prefix="/wecom/crm"), store=store, clock=clock, start_worker=False
    )
    hr = SuiteApp(config_for(hr_box, name="hr", url_prefix="/wecom"), store=store, clock=clock, start_worker=False)
    with SuiteGroup([hr, crm]) as group:
        ts = int(clock.now())
        ok = (200, b"success")
        assert (
            deliver(
                group,
                crm_box,
                "/wecom/crm/callback/instruction",
                suite_ticket_xml(crm_box.settings.suite_id, crm_box.issue_ticket(), ts),
                ts,
            )
            == ok
        )
        assert (
            deliver(
                group,
                hr_box,
                "/wecom/callback/instruction",
                suite_ticket_xml(hr_box.settings.suite_id, hr_box.issue_ticket(), ts),
                ts,
            )
            == ok
        )
        # A crm callback sent to hr's URL does not decrypt there (other key) and is refused.
        status, _ = deliver(
            group, crm_box, "/wecom/callback/instruction", suite_ticket_xml(crm_box.settings.suite_id, "x", ts), ts
        )
        assert status == 400
        corp = crm_box.company().corp_id
        assert (
            deliver(
                group,
                crm_box,
                "/wecom/crm/callback/instruction",
                create_auth_xml(crm_box.settings.suite_id, crm_box.install(corp, push=False), "", ts),
                ts,
            )
            == ok
        )
        assert crm.process_pending() == 2
        assert hr.process_pending() == 1
        assert group.app("crm") is crm
        assert crm.corp(corp).corp_id == corp
        assert store.companies.count_companies(crm.config.suite_id) == 1
        assert store.companies.count_companies(hr.config.suite_id) == 0
        assert group.handle(WebRequest.from_raw("GET", "/elsewhere")).status == 404


def test_duplicate_prefixes_are_refused(two_sandboxes: tuple[Sandbox, Sandbox, ManualClock]) -> None:
    crm_box, hr_box, clock = two_sandboxes
    store = MemoryStore(clock)
    a = SuiteApp(config_for(crm_box, name="a"), store=store, clock=clock, start_worker=False)
    b = SuiteApp(config_for(hr_box, name="b"), store=store, clock=clock, start_worker=False)
    with pytest.raises(ConfigError, match="url_prefix"):
        SuiteGroup([a, b])
    a.close()
    b.close()


def test_uvicorn_worker_factory_reads_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_sandboxes: tuple[Sandbox, Sandbox, ManualClock]
) -> None:
    from wecom_suite.cli.asgi_factory import create_asgi

    crm_box, hr_box, _ = two_sandboxes
    lines = [f'store_url = "sqlite:///{tmp_path / "s.db"}"']
    for name, box in (("crm", crm_box), ("hr", hr_box)):
        s = box.settings
        lines += [
            "[[suite]]",
            f'name = "{name}"',
            f'suite_id = "{s.suite_id}"',
            f'suite_secret = "{s.suite_secret}"',
            f'token = "{s.token}"',
            f'encoding_aes_key = "{s.encoding_aes_key}"',
        ]
    path = tmp_path / "suites.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("WECOM_SUITE_CONFIG", str(path))
    adapter = create_asgi()
    group = adapter.handler
    try:
        assert isinstance(group, SuiteGroup)
        assert sorted(app.config.url_prefix for app in group) == ["/wecom/crm", "/wecom/hr"]
        assert group.apps[0].store is group.apps[1].store  # one store URL, one connection
    finally:
        group.close()


def test_system_events_of_one_provider_go_to_its_first_suite(
    two_sandboxes: tuple[Sandbox, Sandbox, ManualClock],
) -> None:
    """WeCom has one system-event URL per provider: whichever suite's URL receives an event, the first
    suite configured with that provider corp id records and handles it."""
    crm_box, hr_box, clock = two_sandboxes
    provider = crm_box.settings.provider_corp_id
    store = MemoryStore(clock)
    crm = SuiteApp(config_for(crm_box, name="crm", url_prefix="/crm"), store=store, clock=clock, start_worker=False)
    hr = SuiteApp(
        config_for(hr_box, name="hr", url_prefix="/hr", provider_corp_id=provider),
        store=store,
        clock=clock,
        start_worker=False,
    )
    seen: dict[str, list[str]] = {"crm": [], "hr": []}
    crm.on("license_pay_success")(lambda ctx: seen["crm"].append(ctx.event.raw["OrderId"]))
    hr.on("license_pay_success")(lambda ctx: seen["hr"].append(ctx.event.raw["OrderId"]))
    before = {app.config.name: dict(vars(app)) for app in (crm, hr)}
    with SuiteGroup([crm, hr]) as group:
        for app in (crm, hr):  # the group routes; it sets nothing on its apps
            assert vars(app).keys() == before[app.config.name].keys()
            assert all(vars(app)[name] is value for name, value in before[app.config.name].items())
        assert group.system_event_app(provider) is crm
        s = hr_box.settings  # posted to hr's URL, so sealed with hr's Token and EncodingAESKey
        sealed = seal_post(
            "/hr/callback/system",
            token=s.token,
            encoding_aes_key=s.encoding_aes_key,
            receive_id=provider,
            to_user_name=provider,
            agent_id="",
            plaintext=license_pay_success_xml(provider, "wwcorp", "order7", "boss", int(clock.now())),
            timestamp=int(clock.now()),
        )
        path_only, _, query = sealed.url.partition("?")
        request = WebRequest.from_raw("POST", path_only, query, {"content-type": "text/xml"}, sealed.body)
        response = group.handle(request)
        assert (response.status, response.body) == (200, b"success")
        assert (store.inbox.stats(crm.config.suite_id).pending, store.inbox.stats(hr.config.suite_id).pending) == (1, 0)
        assert crm.process_pending() == 1
        assert seen == {"crm": ["order7"], "hr": []}
