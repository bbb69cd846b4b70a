"""The operator console in process: sign-in, sessions, CSRF and origin checks, what it shows and hides."""

from __future__ import annotations

import base64
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.console import console_token_for
from wecom_suite.app.console_auth import SESSION_LIFETIME
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.clock import ManualClock
from wecom_suite.errors import ConfigError
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import CompanyRecord, InboxItem, ItemState, StoredToken, SuiteTicket
from wecom_suite.stores.token_keys import corp_token_key, suite_token_key
from wecom_suite.web.request import WebRequest
from wecom_suite.web.response import WebResponse

START = 1_700_000_000.0
CONSOLE_TOKEN = "operator-token-0123456789abcdef"
PERMANENT_CODE = "PERMANENTcode-must-never-show-1234567890"
CORP_TOKEN = "CORPtoken-must-never-show-abcdefghijklmnop"
HOST = "console.test:8000"


def make_app(clock: ManualClock, **settings: str) -> SuiteApp:
    config = SuiteConfig(
        suite_id="wwconsolesuite",
        suite_secret="suite-secret-value-0123456789",
        token="callbacktoken",
        encoding_aes_key=base64.b64encode(bytes(range(32))).decode()[:-1],
        store_url="memory://",
        **settings,
    )
    return SuiteApp(config, store=MemoryStore(clock), clock=clock, start_worker=False)


@pytest.fixture
def app(clock: ManualClock) -> Iterator[SuiteApp]:
    suite = make_app(clock, console_token=CONSOLE_TOKEN)
    try:
        yield suite
    finally:
        suite.close()


def call(app: SuiteApp, method: str, path: str, form: dict[str, str] | None = None, **headers: str) -> WebResponse:
    merged = {"host": HOST, **{k.replace("_", "-"): v for k, v in headers.items()}}
    body = urlencode(form).encode() if form is not None else b""
    if form is not None:
        merged["content-type"] = "application/x-www-form-urlencoded"
    return app.handle(WebRequest.from_raw(method, path, "", merged, body, remote_addr="127.0.0.1"))


def sign_in(app: SuiteApp) -> tuple[str, str]:
    """(cookie header, CSRF token) of a fresh session."""
    answer = call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN})
    assert answer.status == 303, answer.body
    cookie = answer.headers["set-cookie"].split(";")[0]
    page = call(app, "GET", "/wecom/console", cookie=cookie)
    assert page.status == 200
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page.body.decode())
    assert match is not None
    return cookie, match.group(1)


def seed(app: SuiteApp, clock: ManualClock) -> InboxItem:
    """An installed company with a cached token, a ticket, and one dead letter of that company."""
    suite_id = app.config.suite_id
    app.store.companies.save_company(CompanyRecord(
        suite_id, "wwcorpA", PERMANENT_CODE, corp_name="甲公司 Alpha", installed_at=START - 3600,
        auth_info={"edition_info": {"agent": [{"agentid": 1, "edition_name": "标准版", "app_status": 3,
                                               "user_limit": 200, "expired_time": int(START + 86400 * 30)}]}},
    ))
    app.store.tokens.set_token(corp_token_key(suite_id, "wwcorpA"), StoredToken(CORP_TOKEN, START + 5000, START - 2200))
    app.store.tickets.save_ticket(SuiteTicket(suite_id, "TICKETvalue-secret", START - 120))
    item = InboxItem("deadbeef" * 8, suite_id, b"<xml>payload</xml>", START - 600, queue="wwcorpA")
    assert app.store.inbox.put(item)
    claim = app.store.inbox.claim(suite_id, now=clock.now(), lease_seconds=60)
    assert claim is not None
    app.store.inbox.bury(item.id, now=clock.now(), error="too_many_attempts: RuntimeError: boom (8 attempts)")
    return item


def test_no_console_token_means_no_console(clock: ManualClock) -> None:
    app = make_app(clock)
    try:
        for method, path in (("GET", "/wecom/console"), ("POST", "/wecom/console/signin")):
            answer = call(app, method, path, {"token": "anything-at-all-here"} if method == "POST" else None)
            assert answer.status == 404
            assert b"console_token (WECOM_CONSOLE_TOKEN)" in answer.body
            assert answer.headers["x-wecom-console"] == "off"
        assert app.console is None
        assert app.recent is None
    finally:
        app.close()


def test_a_short_console_token_is_refused_and_describe_redacts_it() -> None:
    with pytest.raises(ConfigError, match="console_token: must be at least 16 characters"):
        SuiteConfig.from_mapping({"suite_id": "ww1", "suite_secret": "s", "token": "t",
                                  "encoding_aes_key": "a" * 43, "console_token": "short"})
    config = SuiteConfig.from_mapping({"suite_id": "ww1", "suite_secret": "s", "token": "t",
                                       "encoding_aes_key": "a" * 43, "console_token": CONSOLE_TOKEN})
    shown = dict(config.describe())["console_token"]
    assert CONSOLE_TOKEN not in shown
    assert CONSOLE_TOKEN not in repr(config)


def test_without_a_session_the_console_shows_only_the_sign_in_form(app: SuiteApp, clock: ManualClock) -> None:
    seed(app, clock)
    answer = call(app, "GET", "/wecom/console")
    assert answer.status == 200
    html = answer.body.decode()
    assert 'action="/wecom/console/signin"' in html
    assert "wwcorpA" not in html
    assert answer.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_a_wrong_token_is_refused_without_a_cookie(app: SuiteApp) -> None:
    answer = call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN + "x"})
    assert answer.status == 403
    assert "set-cookie" not in answer.headers
    assert "Wrong console token" in answer.body.decode()
    assert call(app, "POST", "/wecom/console/signin", {}).status == 403


def test_guessing_is_slowed_down(app: SuiteApp, clock: ManualClock) -> None:
    for _ in range(10):
        assert call(app, "POST", "/wecom/console/signin", {"token": "a-wrong-guess-0000"}).status == 403
    paused = call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN})
    assert paused.status == 429
    assert "set-cookie" not in paused.headers
    clock.advance(60)
    assert call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN}).status == 303


def test_sign_in_sets_a_strict_http_only_cookie_on_the_console_path(app: SuiteApp) -> None:
    answer = call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN})
    assert (answer.status, answer.headers["location"]) == (303, "/wecom/console")
    flags = [part.strip() for part in answer.headers["set-cookie"].split(";")]
    assert {"HttpOnly", "SameSite=Strict", "Path=/wecom/console", f"Max-Age={SESSION_LIFETIME}"} <= set(flags)
    assert "Secure" not in flags  # plain http here
    assert CONSOLE_TOKEN not in answer.headers["set-cookie"]
    secure = call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN}, x_forwarded_proto="https")
    assert "; Secure" in secure.headers["set-cookie"]


def test_the_overview_shows_companies_tokens_ticket_and_dead_letters_but_no_secret(
    app: SuiteApp, clock: ManualClock
) -> None:
    item = seed(app, clock)
    expired = StoredToken("SUITEtok-secret", START - 10, START - 7210)
    app.store.tokens.set_token(suite_token_key(app.config.suite_id), expired)
    cookie, _ = sign_in(app)
    html = call(app, "GET", "/wecom/console", cookie=cookie).body.decode()
    assert 'data-corp-id="wwcorpA"' in html
    assert "甲公司 Alpha" in html
    assert "标准版" in html
    assert "购买期内 paid" in html
    assert 'id="ticket-age">2 min<' in html
    assert f'data-item-id="{item.id}"' in html
    assert "RuntimeError: boom" in html
    assert 'id="dead-count">1<' in html
    assert "expired" in html  # the suite token ran out 10 s ago
    for secret in (PERMANENT_CODE, CORP_TOKEN, "SUITEtok-secret", "TICKETvalue-secret", "payload", CONSOLE_TOKEN,
                   app.config.suite_secret.get_secret_value()):
        assert secret not in html


def test_html_in_stored_values_is_escaped(app: SuiteApp, clock: ManualClock) -> None:
    evil = CompanyRecord(app.config.suite_id, "wwevil", "pc", corp_name="<script>x()</script>")
    app.store.companies.save_company(evil)
    cookie, _ = sign_in(app)
    html = call(app, "GET", "/wecom/console", cookie=cookie).body.decode()
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()" in html


def test_retry_needs_the_sessions_csrf_token(app: SuiteApp, clock: ManualClock) -> None:
    item = seed(app, clock)
    cookie, csrf = sign_in(app)
    for form in ({"item_id": item.id}, {"item_id": item.id, "csrf": "0" * len(csrf)}):
        refused = call(app, "POST", "/wecom/console/inbox/retry", form, cookie=cookie)
        assert refused.status == 403
        assert "CSRF" in refused.body.decode()
    _other_cookie, other_csrf = sign_in(app)  # another session's token does not fit this one
    assert other_csrf != csrf
    assert call(app, "POST", "/wecom/console/inbox/retry", {"item_id": item.id, "csrf": other_csrf},
                cookie=cookie).status == 403
    found = app.store.inbox.get_item(item.id)
    assert found is not None
    assert found.state is ItemState.DEAD
    done = call(app, "POST", "/wecom/console/inbox/retry", {"item_id": item.id, "csrf": csrf}, cookie=cookie)
    assert (done.status, done.headers["location"]) == (303, f"/wecom/console?done=retried&item={item.id[:12]}")
    found = app.store.inbox.get_item(item.id)
    assert found is not None
    assert (found.state, found.attempts) == (ItemState.PENDING, 0)


def test_a_post_from_another_origin_is_refused_even_with_a_valid_csrf_token(app: SuiteApp, clock: ManualClock) -> None:
    item = seed(app, clock)
    cookie, csrf = sign_in(app)
    form = {"item_id": item.id, "csrf": csrf}
    assert call(app, "POST", "/wecom/console/inbox/drop", form, cookie=cookie, origin="http://evil.test").status == 403
    assert call(app, "POST", "/wecom/console/signin", {"token": CONSOLE_TOKEN}, origin="null").status == 403
    assert app.store.inbox.get_item(item.id) is not None
    same = call(app, "POST", "/wecom/console/inbox/drop", form, cookie=cookie, origin=f"http://{HOST}")
    assert same.status == 303
    assert "done=dropped" in same.headers["location"]
    assert app.store.inbox.get_item(item.id) is None


def test_actions_without_a_session_and_on_live_items_are_refused(app: SuiteApp, clock: ManualClock) -> None:
    item = seed(app, clock)
    assert call(app, "POST", "/wecom/console/inbox/drop", {"item_id": item.id, "csrf": "x"}).status == 403
    cookie, csrf = sign_in(app)
    assert app.store.inbox.revive(item.id, now=clock.now())  # pending again: not a dead letter any more
    answer = call(app, "POST", "/wecom/console/inbox/drop", {"item_id": item.id, "csrf": csrf}, cookie=cookie)
    assert "done=not_dead" in answer.headers["location"]
    assert app.store.inbox.get_item(item.id) is not None
    unknown = call(app, "POST", "/wecom/console/inbox/retry", {"item_id": "nope", "csrf": csrf}, cookie=cookie)
    assert "done=unknown" in unknown.headers["location"]
    assert call(app, "GET", "/wecom/console/inbox/retry", cookie=cookie).status == 405


def test_sessions_expire_and_forged_cookies_are_ignored(app: SuiteApp, clock: ManualClock) -> None:
    cookie, _ = sign_in(app)
    issued, session_id, mac = cookie.split("=", 1)[1].split(".")
    forged = f"wecom-console={int(issued) + 100}.{session_id}.{mac}"
    assert 'id="signin"' in call(app, "GET", "/wecom/console", cookie=forged).body.decode()
    assert 'id="signout"' in call(app, "GET", "/wecom/console", cookie=cookie).body.decode()
    clock.advance(SESSION_LIFETIME + 1)
    assert 'id="signin"' in call(app, "GET", "/wecom/console", cookie=cookie).body.decode()


def test_sign_out_clears_the_cookie(app: SuiteApp) -> None:
    cookie, csrf = sign_in(app)
    answer = call(app, "POST", "/wecom/console/signout", {"csrf": csrf}, cookie=cookie)
    assert answer.status == 303
    assert "Max-Age=0" in answer.headers["set-cookie"]


def test_console_token_for_makes_one_private_token_next_to_the_database(tmp_path: Path) -> None:
    db = tmp_path / "run" / "wecom-suite.db"
    first = console_token_for(db)
    assert len(first) >= 16
    file = tmp_path / "run" / "console-token"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert console_token_for(db) == first
    assert console_token_for(tmp_path / "run") == first
    assert console_token_for(f"sqlite:///{db}") == first
