"""What the sandbox holds the app to: 1000 ms answers, expiring install states, and key rotation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from tests.app.suite_world import AUTH_DEADLINE, World, WorldFactory, parse_page
from wecom_suite.app.install_flow import STATE_LIFETIME
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.sandbox import new_settings
from wecom_suite.sandbox.pushes.callback_sealing import seal_post
from wecom_suite.sandbox.pushes.notifications import suite_ticket_xml


def test_authorisation_callbacks_are_answered_within_the_1000_ms_deadline(world: World) -> None:
    sandbox, app = world.sandbox, world.app
    ticket = sandbox.push_ticket()
    assert app.process_pending() == 1
    auth_code = sandbox.install(world.corp_id)
    assert app.process_pending() == 1
    change = sandbox.change_auth(world.corp_id)
    cancel = sandbox.cancel_auth(world.corp_id)
    assert auth_code
    deliveries = [ticket, *sandbox.pushes.labelled("create_auth"), change, cancel]
    for delivery in deliveries:
        assert delivery is not None
        assert delivery.deadline == AUTH_DEADLINE
        assert delivery.ok, delivery.as_json()
        assert len(delivery.attempts) == 1  # answered `success` in time at the first try, no retry needed
        assert delivery.attempts[0].elapsed < AUTH_DEADLINE
    assert app.process_pending() == 2


def test_an_expired_install_state_gets_the_error_page(world: World) -> None:
    sandbox = world.sandbox
    sandbox.push_ticket()
    world.app.process_pending()
    with httpx.Client(timeout=10, trust_env=False) as http:
        start = http.get(world.url("/install"))
        assert start.status_code == 200, start.text
        link = parse_page(start.text).links["install"]
        state = parse_qs(urlsplit(link).query)["state"][0]
        code = sandbox.install(world.corp_id, state=state, push=False)
        world.clock.advance(STATE_LIFETIME + 1)
        late = http.get(world.url("/install/callback"), params={"auth_code": code, "state": state})
    assert late.status_code == 400
    page = parse_page(late.text)
    assert page.links["start-again"] == "/wecom/install"  # the customer is shown the way back
    assert late.headers["x-wecom-reference"] in late.text  # and a reference; the details are in the log
    assert "state" not in late.text
    assert world.app.store.companies.get_company(world.app.config.suite_id, world.corp_id) is None


def test_previous_key_keeps_old_pushes_working_across_a_rotation(make_world: WorldFactory) -> None:
    settings = new_settings()
    old, new = settings.encoding_aes_key, generate_encoding_aes_key()
    # The operator already configured the new key, keeping the old one as previous_encoding_aes_key.
    world = make_world(sandbox_settings=settings, encoding_aes_key=new, previous_encoding_aes_key=old)
    sandbox, app = world.sandbox, world.app

    before = sandbox.push_ticket()  # WeCom still on the old key: URL verification + push, both old-key
    assert before is not None
    assert before.ok, before.as_json()

    assert sandbox.rotate_aes_key(new) == new
    after = sandbox.push_ticket()  # verified again and pushed with the new key
    assert after is not None
    assert after.ok, after.as_json()
    assert after.verification  # the URL was checked again after the key change

    # A push sealed with the old key, still in flight after the rotation, is accepted too.
    ts = int(world.clock.now())
    s = sandbox.settings
    in_flight = seal_post(
        world.url("/callback/instruction"),
        token=s.token,
        encoding_aes_key=old,
        receive_id=s.suite_id,
        to_user_name=s.suite_id,
        agent_id="",
        plaintext=suite_ticket_xml(s.suite_id, sandbox.issue_ticket(), ts),
        timestamp=ts,
    )
    with httpx.Client(timeout=10, trust_env=False) as http:
        answer = http.post(in_flight.url, content=in_flight.body, headers={"Content-Type": "text/xml"})
        wrong = seal_post(
            world.url("/callback/instruction"),
            token=s.token,
            encoding_aes_key=generate_encoding_aes_key(),
            receive_id=s.suite_id,
            to_user_name=s.suite_id,
            agent_id="",
            plaintext=suite_ticket_xml(s.suite_id, "forged", ts),
            timestamp=ts,
        )
        refused = http.post(wrong.url, content=wrong.body, headers={"Content-Type": "text/xml"})
    assert (answer.status_code, answer.text) == (200, "success")
    assert refused.status_code == 400  # a third key is not accepted: the test can tell keys apart
    assert app.process_pending() == 3
