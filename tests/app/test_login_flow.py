"""The sign-in endpoints over loopback with httpx (no browser): handler outcomes, refusals, https cookies."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.app.suite_world import World, WorldFactory
from wecom_suite.app.login_flow import SignIn
from wecom_suite.web.response import WebResponse


def installed(world: World) -> tuple[str, str]:
    world.sandbox.push_ticket()
    world.app.process_pending()
    corp_id = world.corp_id
    world.sandbox.notify_create_auth(world.sandbox.install(corp_id, push=False), "")
    world.app.process_pending()
    return corp_id, next(iter(world.sandbox.company(corp_id).users))


def start(world: World, http: httpx.Client, **headers: str) -> tuple[httpx.Response, str]:
    begun = http.get(world.url("/login"), headers=headers)
    assert begun.status_code == 302, begun.text
    return begun, parse_qs(urlsplit(begun.headers["location"]).query)["state"][0]


def test_without_handler_or_redirect_url_a_plain_page_says_who(world: World) -> None:
    corp_id, userid = installed(world)
    with httpx.Client(timeout=10, trust_env=False) as http:
        _, state = start(world, http)
        code = world.sandbox.issue_oauth_code(corp_id, userid)
        done = http.get(world.url("/login/callback"), params={"code": code, "state": state})
    assert done.status_code == 200
    assert "登录成功" in done.text
    assert userid in done.text
    assert done.headers["cache-control"] == "no-store"


def test_a_handler_returning_none_falls_back_to_the_hand_off(make_world: WorldFactory) -> None:
    world = make_world(login_redirect_url="https://provider.example/after?x=1")
    corp_id, userid = installed(world)
    seen: list[SignIn] = []
    world.app.on_login(lambda who: seen.append(who))  # returns None
    with httpx.Client(timeout=10, trust_env=False) as http:
        _, state = start(world, http)
        done = http.get(
            world.url("/login/callback"),
            params={"code": world.sandbox.issue_oauth_code(corp_id, userid), "state": state},
        )
    assert done.status_code == 302
    target = urlsplit(done.headers["location"])
    assert (target.netloc, target.path) == ("provider.example", "/after")
    assert done.headers["referrer-policy"] == "no-referrer"
    handoff = world.app.verify_handoff(parse_qs(target.query)["wecom_handoff"][0])
    assert (handoff.kind, handoff.corp_id, handoff.userid) == ("login", corp_id, userid)
    assert handoff.open_userid == seen[0].open_userid
    assert seen[0].mode == "web"


def test_who_may_not_sign_in_gets_a_403_page(world: World) -> None:
    world.sandbox.push_ticket()
    world.app.process_pending()
    corp = world.sandbox.company()
    world.sandbox.install(corp.corp_id, push=False)  # WeCom knows the install; this service never redeemed it
    with httpx.Client(timeout=10, trust_env=False) as http:
        _, state = start(world, http)
        outsider = http.get(
            world.url("/login/callback"), params={"code": world.sandbox.issue_oauth_code(None), "state": state}
        )
        assert outsider.status_code == 403
        assert "Only members of a company" in outsider.text
        _, state = start(world, http)
        code = world.sandbox.issue_oauth_code(corp.corp_id, next(iter(corp.users)))
        not_ours = http.get(world.url("/login/callback"), params={"code": code, "state": state})
        assert not_ours.status_code == 403
        assert "has not installed this app" in not_ours.text
        assert not_ours.headers["x-wecom-reference"] in not_ours.text  # the install hint is in the log under it
        _, state = start(world, http)
        used = http.get(world.url("/login/callback"), params={"code": code, "state": state})  # code used up
        assert used.status_code == 400
        assert "sign-in link has expired or was already used" in used.text
        cancelled = http.get(world.url("/login/callback"), params={"state": state})
        assert cancelled.status_code == 400
        assert cancelled.headers["x-wecom-reference"] in cancelled.text


def test_a_failing_handler_gets_a_page_and_a_log_line(world: World, caplog: pytest.LogCaptureFixture) -> None:
    corp_id, userid = installed(world)

    @world.app.on_login
    def broken(who: SignIn) -> WebResponse:
        raise RuntimeError("database down")

    with httpx.Client(timeout=10, trust_env=False) as http, caplog.at_level(logging.INFO, "wecom_suite.login"):
        _, state = start(world, http)
        code = world.sandbox.issue_oauth_code(corp_id, userid)
        failed = http.get(world.url("/login/callback"), params={"code": code, "state": state})
    assert failed.status_code == 500
    assert failed.headers["x-wecom-reference"] in failed.text  # a reference; the details are in the log
    assert "database down" not in failed.text
    assert "the on_login handler failed" in caplog.text
    assert code not in caplog.text  # codes are never logged


def test_async_handlers_are_refused_at_registration(world: World) -> None:
    async def handler(who: SignIn) -> None: ...

    with pytest.raises(TypeError, match="async def"):
        world.app.on_login(handler)


def test_refusals_are_logged_without_the_state(world: World, caplog: pytest.LogCaptureFixture) -> None:
    installed(world)
    with httpx.Client(timeout=10, trust_env=False) as http, caplog.at_level(logging.WARNING, "wecom_suite.login"):
        _, state = start(world, http)
    with httpx.Client(timeout=10, trust_env=False) as other, caplog.at_level(logging.WARNING, "wecom_suite.login"):
        refused = other.get(world.url("/login/callback"), params={"code": "c" * 20, "state": state})
    assert refused.status_code == 400
    assert "sign-in callback refused: no_cookie" in caplog.text
    assert state not in caplog.text


def test_behind_https_the_cookie_is_secure_and_host_prefixed(world: World) -> None:
    corp_id, userid = installed(world)
    proxied = {"x-forwarded-proto": "https"}
    with httpx.Client(timeout=10, trust_env=False) as http:
        begun, state = start(world, http, **proxied)
        cookie = begun.headers["set-cookie"]
        name_value = cookie.split(";", 1)[0]
        assert name_value.startswith(f"__Host-wecom-login-{world.app.config.name}=")
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        redirect_uri = parse_qs(urlsplit(begun.headers["location"]).query)["redirect_uri"][0]
        assert redirect_uri.startswith("https://")
        code = world.sandbox.issue_oauth_code(corp_id, userid)
        # Over http the jar withholds a Secure cookie; the TLS proxy would pass it on: send it by hand.
        plain_name = name_value.replace("__Host-", "")
        spoof = http.get(
            world.url("/login/callback"),
            params={"code": code, "state": state},
            headers={**proxied, "cookie": plain_name},
        )
        assert "not started in this browser" in spoof.text  # only the __Host- cookie counts behind https
        again, state = start(world, http, **proxied)
        done = http.get(
            world.url("/login/callback"),
            params={"code": code, "state": state},
            headers={**proxied, "cookie": again.headers["set-cookie"].split(";", 1)[0]},
        )
    assert done.status_code == 200, done.text
    assert userid in done.text


def test_only_get(world: World) -> None:
    with httpx.Client(timeout=10, trust_env=False) as http:
        assert http.post(world.url("/login")).status_code == 405
        assert http.post(world.url("/login/callback")).headers["allow"] == "GET"
