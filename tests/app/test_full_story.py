"""The whole life of an installation, against the sandbox over loopback (no mocks)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.app.suite_world import World, WorldFactory, parse_page
from wecom_suite.clock import ManualClock
from wecom_suite.errors import CompanyNotFound
from wecom_suite.stores.records import CompanyState
from wecom_suite.stores.redis import RedisStore
from wecom_suite.stores.sqlite import SQLiteStore
from wecom_suite.stores.token_keys import corp_token_key


def install_through_pages(world: World, http: httpx.Client, *, follow_redirect: bool = True) -> httpx.Response:
    """/install -> WeCom's consent page -> authorise -> (the redirect back, if followed)."""
    start = http.get(world.url("/install"))
    assert start.status_code == 200, start.text
    install_link = parse_page(start.text).links["install"]
    assert install_link.startswith(world.sandbox.base_url + "/3rdapp/install?")
    consent = http.get(install_link)
    assert consent.status_code == 200, consent.text
    form = parse_page(consent.text)
    assert world.corp_id in form.radios
    authorised = http.post(world.sandbox.base_url + form.action, data={**form.fields, "corp_id": world.corp_id})
    assert authorised.status_code == 302, authorised.text
    back = authorised.headers["location"]
    assert back.startswith(world.url("/install/callback?"))
    if not follow_redirect:
        return authorised
    page = http.get(back)
    if page.status_code == 303:  # our own success page's receipt URL (not a success_redirect_url)
        page = http.get(page.headers["location"])
    return page


@pytest.mark.parametrize("backend", ["memory", "sqlite", "redis"])
def test_ticket_install_token_api_change_cancel_reset(
    backend: str, make_world: WorldFactory, tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    if backend == "sqlite":
        world = make_world(store=SQLiteStore(str(tmp_path / "story.db"), clock))
    elif backend == "redis":
        world = make_world(store=RedisStore(request.getfixturevalue("redis_url"), clock))
    else:
        world = make_world()
    app, sandbox, store = world.app, world.sandbox, world.app.store
    suite_id = app.config.suite_id

    # 1. WeCom pushes a suite_ticket: it is stored before `success` is answered.
    delivery = sandbox.push_ticket()
    assert delivery is not None
    assert delivery.ok
    assert store.tickets.get_ticket(suite_id).ticket
    assert app.process_pending() == 1

    # 2. The suite token comes from that ticket.
    assert app.client.suite_token.token()
    assert sandbox.counters["service/get_suite_token"] == 1

    # 3. The install flow: test authorisation, state, consent, redirect back, success page.
    with httpx.Client(timeout=10) as http:
        page = install_through_pages(world, http)
    assert page.status_code == 200, page.text
    assert "安装成功" in page.text  # 简体中文 unless the browser prefers English
    assert world.corp_id in page.text
    assert sandbox.counters["service/set_session_info"] == 1
    authorization = sandbox.company().authorization
    assert authorization is not None
    assert authorization.auth_type == 1  # auth_type = "test" (测试授权) reached WeCom through set_session_info
    record = store.companies.get_company(suite_id, world.corp_id)
    assert record is not None
    assert record.active
    assert record.corp_name == sandbox.company().corp_name
    assert record.permanent_code == sandbox.emulator.permanent_code(world.corp_id)
    assert "permanent_code" not in record.auth_info
    assert record.auth_info["auth_corp_info"]["corpid"] == world.corp_id

    # The create_auth the sandbox pushed with the same auth_code is recorded, then a no-op.
    assert store.inbox.stats(suite_id).pending == 1
    assert app.process_pending() == 1
    assert sandbox.counters["service/v2/get_permanent_code"] == 1

    # 4. A company token and a corp API call.
    company = app.corp(world.corp_id)
    assert company.corp_name == record.corp_name
    assert company.client.access_token()
    departments = company.client.get_json("department/list")
    assert departments["errcode"] == 0
    assert departments["department"]
    assert store.tokens.get_token(corp_token_key(suite_id, world.corp_id)) is not None

    # 5. change_auth: the auth info is fetched again.
    sandbox.change_auth(world.corp_id, auth_mode=1)
    assert app.process_pending() == 1
    changed = store.companies.get_company(suite_id, world.corp_id)
    assert changed is not None
    assert changed.auth_info["auth_info"]["agent"][0]["auth_mode"] == 1
    assert sandbox.counters["service/get_auth_info"] == 2  # once after the v2 exchange, once for change_auth

    # 6. cancel_auth: revoked, tokens dropped, no handle any more.
    sandbox.cancel_auth(world.corp_id)
    assert app.process_pending() == 1
    revoked = store.companies.get_company(suite_id, world.corp_id)
    assert revoked is not None
    assert revoked.state is CompanyState.REVOKED
    assert revoked.revoked_at
    assert store.tokens.get_token(corp_token_key(suite_id, world.corp_id)) is None
    with pytest.raises(CompanyNotFound) as gone:
        app.corp(world.corp_id)
    assert gone.value.revoked

    # 7. Installed again from the app market (create_auth only), then reset_permanent_code.
    sandbox.install(world.corp_id)
    assert app.process_pending() == 1
    again = store.companies.get_company(suite_id, world.corp_id)
    assert again is not None
    assert again.active
    assert again.permanent_code != record.permanent_code
    sandbox.reset_permanent_code(world.corp_id)
    assert app.process_pending() == 1
    reset = store.companies.get_company(suite_id, world.corp_id)
    assert reset is not None
    assert reset.permanent_code == sandbox.emulator.permanent_code(world.corp_id)
    assert reset.permanent_code != again.permanent_code
    assert app.corp(world.corp_id).client.access_token()


def test_create_auth_first_then_the_redirect_is_a_no_op(world: World) -> None:
    world.sandbox.push_ticket()
    with httpx.Client(timeout=10) as http:
        authorised = install_through_pages(world, http, follow_redirect=False)
        assert world.app.process_pending() == 2  # the ticket and the create_auth, which wins
        assert world.app.store.companies.get_company(world.app.config.suite_id, world.corp_id) is not None
        page = http.get(authorised.headers["location"], follow_redirects=True)
    assert page.status_code == 200
    assert world.corp_id in page.text
    assert world.sandbox.counters["service/v2/get_permanent_code"] == 1


def test_redelivered_callback_is_recorded_once(world: World) -> None:
    world.sandbox.push_ticket()
    world.app.process_pending()
    handled: list[str] = []
    world.app.on("create_auth")(lambda ctx: handled.append(ctx.event.info_type) or None)
    world.sandbox.install(world.corp_id, push=False)
    auth_code = world.sandbox.install(world.corp_id, push=False)
    first = world.sandbox.notify_create_auth(auth_code, "s1")
    second = world.sandbox.notify_create_auth(auth_code, "s1")  # same content, same second: a redelivery
    assert first is not None
    assert first.ok
    assert second is not None
    assert second.ok
    assert world.app.process_pending() == 1
    assert handled == ["create_auth"]


def logged_under(caplog: pytest.LogCaptureFixture, response: httpx.Response) -> str:
    """The log line an error page's reference points to (the page shows the reference, not the details)."""
    reference = response.headers["x-wecom-reference"]
    assert reference in response.text
    (line,) = [r.getMessage() for r in caplog.records if reference in r.getMessage()]
    return line


def test_install_callback_errors_say_what_went_wrong(world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.sandbox.push_ticket()
    with httpx.Client(timeout=10) as http:
        no_code = http.get(world.url("/install/callback"), params={"state": "x"})
        assert no_code.status_code == 400
        assert "auth_code" not in no_code.text
        assert "no auth_code" in logged_under(caplog, no_code)
        forged = http.get(world.url("/install/callback"), params={"auth_code": "a" * 64, "state": "forged"})
        assert forged.status_code == 400
        assert "not started in this browser" in logged_under(caplog, forged)  # no state cookie sent
        assert 'href="/wecom/install"' in forged.text
        authorised = install_through_pages(world, http, follow_redirect=False)
        location = authorised.headers["location"]
        done = http.get(location)
        assert done.status_code == 303  # to the reloadable receipt URL
        assert http.get(done.headers["location"]).status_code == 200
        assert http.get(done.headers["location"]).status_code == 200  # and again: a reload is fine
        replayed = http.get(location)  # the state is single use
        assert replayed.status_code == 400
        tampered = http.get(done.headers["location"].replace("receipt=ey", "receipt=ez"))
        assert tampered.status_code == 400
        assert "receipt" in logged_under(caplog, tampered)
    state = parse_qs(urlsplit(location).query)["state"][0]
    assert state.isalnum()


def test_install_start_failure_renders_a_page(world: World, caplog: pytest.LogCaptureFixture) -> None:
    # No ticket was ever pushed: no suite token, so no pre_auth_code.
    with httpx.Client(timeout=10, headers={"accept-language": "en-US,en;q=0.9"}) as http:
        page = http.get(world.url("/install"))
    assert page.status_code == 502
    assert "could not be completed right now" in page.text  # plain words for the company's administrator
    assert "suite_ticket" not in page.text  # provider internals stay in the log, under the page's reference
    assert "suite_ticket" in logged_under(caplog, page)
    assert "could not be started" in logged_under(caplog, page)


def test_unknown_paths_and_methods(world: World) -> None:
    with httpx.Client(timeout=10) as http:
        assert http.get(world.url("/nope")).status_code == 404
        assert http.post(world.url("/install")).status_code == 405
        bad = http.post(world.url("/callback/instruction"), content=b"<xml/>")
        assert bad.status_code == 400
        assert "missing_parameter" in bad.text


def test_success_redirect_url_replaces_the_page(make_world: WorldFactory) -> None:
    world = make_world(success_redirect_url="https://provider.example.com/welcome?from=wecom")
    world.sandbox.push_ticket()
    with httpx.Client(timeout=10) as http:
        done = install_through_pages(world, http)
    assert done.status_code == 302
    location = urlsplit(done.headers["location"])
    assert location.geturl().startswith("https://provider.example.com/welcome?from=wecom&wecom_handoff=")
    query = parse_qs(location.query)
    assert "corp_id" not in query  # never unsigned ids: a signed, single-use hand-off instead
    handoff = world.app.verify_handoff(query["wecom_handoff"][0], kind="install")
    assert (handoff.corp_id, handoff.suite_id, handoff.userid) == (world.corp_id, world.app.config.suite_id, "")


def test_legacy_install_url_and_immediate_redirect(make_world: WorldFactory) -> None:
    world = make_world(install_url_style="legacy", install_base_url="https://qy.weixin.qq.com/cgi-bin/loginpage")
    world.sandbox.push_ticket()
    with httpx.Client(timeout=10) as http:
        page = http.get(world.url("/install"), params={"go": "1"})
    assert page.status_code == 302
    location = page.headers["location"]
    assert location.startswith("https://qy.weixin.qq.com/cgi-bin/loginpage?suite_id=")
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [world.url("/install/callback")]
    assert world.sandbox.counters["service/set_session_info"] == 1


def test_a_ticket_for_another_suite_is_refused_and_not_stored(world: World) -> None:
    from wecom_suite.errors import TicketNotFound
    from wecom_suite.sandbox.pushes.notifications import suite_ticket_xml

    delivery = world.sandbox.push_event(suite_ticket_xml("wwsomeoneelse0001", "t" * 32, int(world.clock.now())))
    assert not delivery.ok
    assert delivery.attempts[-1].status == 400
    assert delivery.attempts[-1].body.startswith("suite_id_mismatch")
    with pytest.raises(TicketNotFound):
        world.app.store.tickets.get_ticket(world.app.config.suite_id)
    assert world.app.store.inbox.stats(world.app.config.suite_id).pending == 0


def test_a_late_redelivery_of_an_old_ticket_does_not_displace_the_newer_one(world: World) -> None:
    from wecom_suite.sandbox.pushes.notifications import suite_ticket_xml

    sandbox, app = world.sandbox, world.app
    issued_at = int(world.clock.now())
    old = suite_ticket_xml(app.config.suite_id, "old-ticket-" + "a" * 20, issued_at)
    assert sandbox.push_event(old).ok
    world.clock.advance(200)
    assert sandbox.push_ticket() is not None
    newest = app.store.tickets.get_ticket(app.config.suite_id)
    world.clock.advance(50)
    assert sandbox.push_event(old).ok  # WeCom retries the first one late (timestamp still within the skew)
    assert app.store.tickets.get_ticket(app.config.suite_id).ticket == newest.ticket
    assert newest.received_at == issued_at + 200
