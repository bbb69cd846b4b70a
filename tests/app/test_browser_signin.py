"""Sign-in and install clicked through in a real headless Chromium against the sandbox.

The provider's own website (a second loopback server) receives the hand-offs and verifies them with
``suite.verify_handoff``; ``@suite.on_login`` answers in-app and web QR sign-ins. The refusals
(another browser, a replayed callback, an expired state, a tampered token) each get their page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests.app.suite_world import ServedApp, World, WorldFactory, bound_socket
from wecom_suite.app.handoff import HANDOFF_LIFETIME, HandoffError
from wecom_suite.app.login_flow import LOGIN_STATE_LIFETIME, SignIn
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.web.response import WebResponse

WECOM_UA = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 "
    "wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh"
)
SHOTS = Path(tempfile.gettempdir()) / "wecom-suite-screenshots" / "signin"  # to look at; never asserted on


@dataclass
class ProviderSite:
    """The provider's own site: ``/welcome?wecom_handoff=…`` trusts nothing but a verified hand-off."""

    url: str = ""
    suite: SuiteApp | None = None
    verified: list[Any] = field(default_factory=list)

    def welcome(self, request: Request) -> HTMLResponse:
        assert self.suite is not None
        try:
            handoff = self.suite.verify_handoff(request.query_params.get("wecom_handoff", ""), kind=None)
        except HandoffError as exc:
            body = f"<h1 id='title'>Refused</h1><p id='reason'>{escape(exc.reason)}</p>"
            return HTMLResponse(body, status_code=403)
        self.verified.append(handoff)
        who = escape(handoff.userid or "(an administrator)")
        return HTMLResponse(
            f"<h1 id='title'>Welcome ({escape(handoff.kind)})</h1><p id='corp'>{escape(handoff.corp_id)}</p>"
            f"<p id='user'>{who}</p>"
        )

    def hold(self, request: Request) -> HTMLResponse:
        """A page that keeps the token without using it (so a test can present it later)."""
        return HTMLResponse(f"<p id='token'>{escape(request.query_params.get('wecom_handoff', ''))}</p>")


@pytest.fixture
def site_world(make_world: WorldFactory) -> Iterator[tuple[World, ProviderSite]]:
    site = ProviderSite()
    sock = bound_socket()
    site.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = ServedApp(Starlette(routes=[Route("/welcome", site.welcome), Route("/hold", site.hold)]), sock).start()
    try:
        world = make_world(
            success_redirect_url=f"{site.url}/welcome",
            login_redirect_url=f"{site.url}/welcome",
            allowed_return_urls=f"{site.url}/",
        )
        site.suite = world.app
        yield world, site
    finally:
        server.stop()


def installed(world: World) -> str:
    """A ticket, then the first sandbox company installs the app (create_auth pushed and processed)."""
    world.sandbox.push_ticket()
    world.app.process_pending()
    corp_id = world.corp_id
    world.sandbox.notify_create_auth(world.sandbox.install(corp_id, push=False), "")
    world.app.process_pending()
    assert world.app.corp(corp_id)
    return corp_id


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def record_sign_ins(world: World) -> list[SignIn]:
    seen: list[SignIn] = []

    @world.app.on_login
    def signed_in(who: SignIn) -> WebResponse:
        seen.append(who)
        response = WebResponse.html(
            f"<h1 id='title'>Hello {escape(who.userid)}</h1><p id='corp'>{escape(who.corp_id)}</p>"
            f"<p id='mode'>{who.mode}</p>"
        )
        response.headers["set-cookie"] = "provider_session=s3ss10n; Path=/; HttpOnly; SameSite=Lax"
        return response

    return seen


def pick_member(page: Any, corp_id: str, userid: str) -> None:
    page.check(f"input[value='{corp_id}/{userid}']")
    page.click("#login")


def test_install_from_the_install_page_to_the_providers_success_handler(
    site_world: tuple[World, ProviderSite], chromium: Any
) -> None:
    world, site = site_world
    world.sandbox.push_ticket()
    world.app.process_pending()
    corp = world.sandbox.company()
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(world.url("/install"))
        page.click("#install")
        page.wait_for_selector("#authorize")
        page.check(f"input[data-corp-id='{corp.corp_id}']")
        page.click("#authorize")
        page.wait_for_selector("#corp")
        assert page.url.startswith(f"{site.url}/welcome?wecom_handoff=")
        assert "corp_id" not in page.url  # only the signed token travels
        assert page.text_content("#title") == "Welcome (install)"
        assert page.text_content("#corp") == corp.corp_id
        shot(page, "install-handed-off")
        cookies = {c["name"]: c for c in context.cookies()}
        bound = cookies[f"wecom-install-{world.app.config.name}"]  # plain http: no __Host- prefix
        assert (bound["httpOnly"], bound["sameSite"], bound["secure"]) == (True, "Lax", False)
        page.reload()  # the hand-off is single use
        assert page.text_content("#reason") == "already_used"
    finally:
        context.close()
    assert [h.corp_id for h in site.verified] == [corp.corp_id]
    assert world.app.store.companies.get_company(world.app.config.suite_id, corp.corp_id) is not None


def test_in_app_oauth2_sign_in_reaches_on_login_with_member_details(
    make_world: WorldFactory, chromium: Any
) -> None:
    world = make_world(login_scope="snsapi_privateinfo")
    corp_id = installed(world)
    user = next(iter(world.sandbox.company(corp_id).users.values()))
    seen = record_sign_ins(world)
    context = chromium.new_context(user_agent=WECOM_UA)  # inside the WeCom client
    try:
        page = context.new_page()
        page.goto(world.url("/login"))
        page.wait_for_selector("#login")
        assert urlsplit(page.url).path == "/connect/oauth2/authorize"
        assert parse_qs(urlsplit(page.url).query)["scope"] == ["snsapi_privateinfo"]
        assert page.is_visible("#consent")  # the sandbox asks for consent, as WeCom does for privateinfo
        shot(page, "oauth2-member-picker")
        pick_member(page, corp_id, user.userid)
        page.wait_for_selector("#mode")
        assert page.text_content("#title") == f"Hello {user.userid}"
        assert page.text_content("#mode") == "oauth2"
        shot(page, "oauth2-on-login")
        assert "provider_session" in {c["name"] for c in context.cookies()}
    finally:
        context.close()
    assert len(seen) == 1
    who = seen[0]
    assert (who.corp_id, who.userid, who.open_userid) == (corp_id, user.userid, user.open_userid)
    assert who.detail is not None  # snsapi_privateinfo: the user_ticket was exchanged
    assert who.detail.gender == user.gender
    assert who.detail.avatar
    assert world.sandbox.counters["service/auth/getuserdetail3rd"] == 1


def test_web_qr_sign_in_reaches_on_login(make_world: WorldFactory, chromium: Any) -> None:
    world = make_world()
    corp_id = installed(world)
    user = next(iter(world.sandbox.company(corp_id).users.values()))
    seen = record_sign_ins(world)
    context = chromium.new_context()  # an ordinary desktop browser
    try:
        page = context.new_page()
        page.goto(world.url("/login"))
        page.wait_for_selector("#login")
        assert urlsplit(page.url).path == "/wwlogin/sso/login"
        assert parse_qs(urlsplit(page.url).query)["login_type"] == ["ServiceApp"]
        assert page.get_attribute("#kind", "data-kind") == "web"
        shot(page, "web-login-picker")
        pick_member(page, corp_id, user.userid)
        page.wait_for_selector("#mode")
        assert page.text_content("#mode") == "web"
    finally:
        context.close()
    assert [(s.corp_id, s.userid, s.mode, s.detail) for s in seen] == [(corp_id, user.userid, "web", None)]


def test_default_sign_in_hands_off_to_the_return_page(
    site_world: tuple[World, ProviderSite], chromium: Any
) -> None:
    world, site = site_world
    corp_id = installed(world)
    user = next(iter(world.sandbox.company(corp_id).users.values()))
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(world.url("/login?return_to=") + f"{site.url}/welcome%3Fnext%3D%2Freports")
        pick_member(page, corp_id, user.userid)
        page.wait_for_selector("#user")
        assert page.text_content("#user") == user.userid
        query = parse_qs(urlsplit(page.url).query)
        assert query["next"] == ["/reports"]
        token = query["wecom_handoff"][0]
        # The same token with one payload character changed: the provider's page refuses it.
        version, body, mac = token.split(".")
        tampered = f"{version}.{body[:-1]}{'A' if body[-1] != 'A' else 'B'}.{mac}"
        page.goto(f"{site.url}/welcome?wecom_handoff={tampered}")
        assert page.text_content("#reason") == "bad_signature"
        shot(page, "tampered-handoff")
        # A return address nobody configured is refused before anything else happens.
        page.goto(world.url("/login?return_to=https%3A%2F%2Fevil.example%2F"))
        assert page.text_content("#title") == "This return address is not allowed"
    finally:
        context.close()
    assert [h.userid for h in site.verified] == [user.userid]


def test_an_expired_hand_off_is_refused(site_world: tuple[World, ProviderSite], chromium: Any) -> None:
    world, site = site_world
    corp_id = installed(world)
    user = next(iter(world.sandbox.company(corp_id).users.values()))
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(world.url("/login?return_to=") + f"{site.url}/hold")  # a page that only shows the token
        pick_member(page, corp_id, user.userid)
        token = page.text_content("#token")
        assert token
        world.clock.advance(HANDOFF_LIFETIME + 1)
        page.goto(f"{site.url}/welcome?wecom_handoff={token}")
        assert page.text_content("#reason") == "expired"
    finally:
        context.close()
    assert site.verified == []


def callback_url_for(page: Any, world: World, corp_id: str, userid: str) -> str:
    """Where WeCom would send this browser: its state, and a fresh code for the member."""
    page.goto(world.url("/login"))
    page.wait_for_selector("#login")
    state = parse_qs(urlsplit(page.url).query)["state"][0]
    code = world.sandbox.issue_oauth_code(corp_id, userid)
    return world.url(f"/login/callback?code={code}&state={state}")


def test_refusals_another_browser_a_replay_and_an_expired_state(make_world: WorldFactory, chromium: Any) -> None:
    world = make_world()
    corp_id = installed(world)
    user = next(iter(world.sandbox.company(corp_id).users.values()))
    seen = record_sign_ins(world)
    first, second = chromium.new_context(), chromium.new_context()  # no shared cookies
    try:
        page_a, page_b = first.new_page(), second.new_page()
        url_a = callback_url_for(page_a, world, corp_id, user.userid)

        page_b.goto(url_a)  # the second browser never started a sign-in
        assert page_b.text_content("#title") == "This sign-in was not started in this browser"
        shot(page_b, "refused-no-cookie")
        callback_url_for(page_b, world, corp_id, user.userid)  # now it has a sign-in (and cookie) of its own
        page_b.goto(url_a)
        assert page_b.text_content("#title") == "This sign-in was started in another browser"
        shot(page_b, "refused-other-browser")

        page_a.goto(url_a)  # the second browser's attempt used the state up: the first one must start again
        assert page_a.text_content("#title") == "This sign-in link was already used"
        url_a = callback_url_for(page_a, world, corp_id, user.userid)
        page_a.goto(url_a)
        assert page_a.text_content("#title") == f"Hello {user.userid}"
        page_a.goto(url_a)  # the callback URL replayed
        assert page_a.text_content("#title") == "This sign-in link was already used"
        shot(page_a, "refused-replay")

        late = callback_url_for(page_a, world, corp_id, user.userid)
        world.clock.advance(LOGIN_STATE_LIFETIME + 1)
        page_a.goto(late)
        assert page_a.text_content("#title") == "This sign-in link has expired"
        assert page_a.get_attribute("#start-again", "href") == "/wecom/login"  # the way back
        assert page_a.text_content("#reference")  # and a reference for the details in the log
        shot(page_a, "refused-expired")
    finally:
        first.close()
        second.close()
    assert len(seen) == 1  # only the one legitimate sign-in reached the handler


def test_install_state_from_another_browser_is_refused(make_world: WorldFactory, chromium: Any) -> None:
    world = make_world()
    world.sandbox.push_ticket()
    world.app.process_pending()
    corp = world.sandbox.company()
    first, second = chromium.new_context(), chromium.new_context()
    try:
        page_a, page_b = first.new_page(), second.new_page()
        page_a.goto(world.url("/install"))
        state = parse_qs(urlsplit(page_a.get_attribute("#install", "href")).query)["state"][0]
        # The administrator authorises in the first browser; WeCom's redirect would carry this URL.
        auth_code = world.sandbox.install(corp.corp_id, state=state, push=False)
        back = world.url(f"/install/callback?auth_code={auth_code}&expires_in=600&state={state}")
        page_b.goto(back)  # the first browser's install, completed by another
        assert page_b.text_content("#title") == "This install was not started in this browser"
        page_b.goto(world.url("/install"))
        page_b.goto(back)
        assert page_b.text_content("#title") == "This install was started in another browser"
        shot(page_b, "install-other-browser")
    finally:
        first.close()
        second.close()
    assert world.app.store.companies.get_company(world.app.config.suite_id, corp.corp_id) is None
