"""The provider's system-event URL (系统事件接收URL): ServiceCorpId events, recorded then handled."""

from __future__ import annotations

import httpx

from tests.app.suite_world import PREFIX, World, WorldFactory
from wecom_suite.callback.context import CallbackContext
from wecom_suite.events import LicensePaySuccessEvent
from wecom_suite.sandbox.pushes.callback_sealing import seal_verification
from wecom_suite.sandbox.pushes.notifications import license_pay_success_xml


def paid_order(world: World) -> str:
    """A license order for the sandbox's company, created through the app's own client."""
    world.sandbox.authorize(world.corp_id)
    created = world.app.client.license_api(
        "create_new_order",
        {
            "corpid": world.corp_id,
            "buyer_userid": "boss",
            "account_count": {"base_count": 2, "external_contact_count": 1},
            "account_duration": {"months": 1},
        },
    )
    order_id = created.model_extra["order_id"] if created.model_extra else ""
    assert isinstance(order_id, str)
    assert order_id
    return order_id


def test_license_pay_success_reaches_the_handler_once(world: World) -> None:
    sandbox, app = world.sandbox, world.app
    sandbox.set_system_callback_url(world.url("/callback/system"))
    seen: list[tuple[str, str, str, str]] = []

    @app.on("license_pay_success")
    def paid(ctx: CallbackContext) -> None:
        event = ctx.event
        assert isinstance(event, LicensePaySuccessEvent)
        seen.append((event.order_id, event.auth_corp_id, event.service_corp_id, ctx.receive_id))

    order_id = paid_order(world)
    sandbox.pay_license_order(order_id)
    delivery = sandbox.pushes.labelled("license_pay_success")[-1]
    assert delivery.label == "license_pay_success"
    assert delivery.ok, delivery.as_json()
    assert delivery.attempts[-1].body == "success"
    assert delivery.verification
    assert delivery.verification[-1].status == 200
    assert seen == []  # recorded, not yet processed: the worker does that after answering
    assert app.store.inbox.stats(app.config.suite_id).pending == 1
    assert app.process_pending() == 1
    provider = app.config.provider_corp_id
    assert seen == [(order_id, world.corp_id, provider, provider)]
    # WeCom delivers the same event again: recorded once, handled once.
    again = sandbox.push_event(delivery.plaintext, target="system", label="license_pay_success")
    assert again.ok
    assert app.store.inbox.stats(app.config.suite_id).pending == 0
    assert app.process_pending() == 0
    assert seen == [(order_id, world.corp_id, provider, provider)]


def test_a_system_event_does_not_run_the_install_lifecycle(world: World) -> None:
    """register_corp names a company, but the app installs nothing for it: only handlers run."""
    sandbox, app = world.sandbox, world.app
    sandbox.set_system_callback_url(world.url("/callback/system"))
    plaintext = (
        f"<xml><ServiceCorpId>{app.config.provider_corp_id}</ServiceCorpId><InfoType>register_corp</InfoType>"
        "<TimeStamp>1502682179</TimeStamp><RegisterCode>code1</RegisterCode><AuthCorpId>wwnewcorp</AuthCorpId></xml>"
    )
    registered: list[str] = []
    app.on("register_corp")(lambda ctx: registered.append(ctx.event.auth_corp_id))
    assert sandbox.push_event(plaintext, target="system", label="register_corp").ok
    assert app.process_pending() == 1
    assert registered == ["wwnewcorp"]
    assert app.store.companies.get_company(app.config.suite_id, "wwnewcorp") is None


def test_wrong_service_corp_id_is_refused(world: World) -> None:
    sandbox, app = world.sandbox, world.app
    sandbox.set_system_callback_url(world.url("/callback/system"))
    plaintext = license_pay_success_xml("wwSomeOtherProvider", world.corp_id, "order1", "boss", 1_700_000_000)
    delivery = sandbox.push_event(plaintext, target="system", label="license_pay_success")
    assert not delivery.ok
    assert delivery.attempts[-1].status == 400
    assert delivery.attempts[-1].body.startswith("corp_id_mismatch")
    assert app.store.inbox.stats(app.config.suite_id).pending == 0


def test_get_verification_uses_the_provider_corp_id(world: World) -> None:
    app = world.app

    def verify(receive_id: str) -> httpx.Response:
        sealed = seal_verification(
            world.url("/callback/system"),
            token=app.config.token.get_secret_value(),
            encoding_aes_key=app.config.encoding_aes_key.get_secret_value(),
            receive_id=receive_id,
            timestamp=int(world.clock.now()),
            echo="echo-42",
        )
        return httpx.get(sealed.url)

    good = verify(app.config.provider_corp_id)
    assert (good.status_code, good.text) == (200, "echo-42")
    bad = verify(app.config.suite_id)  # the suite id is not the system URL's receive id
    assert bad.status_code == 400


def test_without_provider_corp_id_the_endpoint_says_what_to_set(make_world: WorldFactory) -> None:
    world = make_world(provider_corp_id="", provider_secret="")
    assert "system event URL (系统事件接收URL)" not in world.app.urls()
    for response in (httpx.get(world.url("/callback/system")), httpx.post(world.url("/callback/system"))):
        assert response.status_code == 404
        assert response.headers["x-wecom-callback-reason"] == "provider_corp_id_required"
        assert "provider_corp_id" in response.text
        assert "WECOM_PROVIDER_CORP_ID" in response.text


def test_urls_include_the_system_url(world: World) -> None:
    urls = world.app.urls("https://suite.example.com")
    assert urls["system event URL (系统事件接收URL)"] == f"https://suite.example.com{PREFIX}/callback/system"
