"""Browser-bound state, the return-URL guard and the sign-in settings, without a network (sans-I/O parts)."""

from __future__ import annotations

import pytest

from tests.app.suite_world import START
from wecom_suite.app.browser_state import BrowserStates, StateOutcome, read_cookie
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.login_flow import choose_login_mode, return_url_allowed
from wecom_suite.clock import ManualClock
from wecom_suite.errors import ConfigError
from wecom_suite.stores.memory import MemoryStore

LIFETIME = 600.0


@pytest.fixture
def states() -> tuple[BrowserStates, ManualClock]:
    clock = ManualClock(START)
    return BrowserStates(MemoryStore(clock).install_states, "wwsuite", "crm", clock), clock


def cookie_of(set_cookie: str) -> dict[str, str]:
    """A browser's Cookie header for one Set-Cookie value."""
    return {"cookie": "other=1; " + set_cookie.split(";", 1)[0]}


def test_the_cookie_flags_over_https_and_plain_http(states: tuple[BrowserStates, ManualClock]) -> None:
    s, _ = states
    _, secure = s.issue({}, "login", lifetime=LIFETIME, secure=True)
    name, attributes = secure.split("=", 1)[0], [a.strip() for a in secure.split(";")[1:]]
    assert name == "__Host-wecom-login-crm"
    assert set(attributes) == {"Path=/", "Max-Age=1200", "HttpOnly", "SameSite=Lax", "Secure"}
    assert "Domain" not in secure  # __Host- cookies are host-only
    _, plain = s.issue({}, "install", lifetime=LIFETIME, secure=False)
    assert plain.startswith("wecom-install-crm=")  # browsers refuse __Host- without Secure
    assert "Secure" not in plain
    assert "HttpOnly" in plain
    assert "SameSite=Lax" in plain


def test_only_the_browser_that_started_completes_once(states: tuple[BrowserStates, ManualClock]) -> None:
    s, clock = states
    state, cookie = s.issue({}, "login", lifetime=LIFETIME, secure=True, extra={"r": "https://x/"})
    mine = cookie_of(cookie)
    _, other_cookie = s.issue({}, "login", lifetime=LIFETIME, secure=True)
    other = cookie_of(other_cookie)

    assert s.check({}, "login", state, secure=True).outcome is StateOutcome.NO_COOKIE  # not even looked up
    assert s.check(mine, "login", "", secure=True).outcome is StateOutcome.MISSING
    assert s.check(mine, "login", "a-b", secure=True).outcome is StateOutcome.MISSING
    assert s.check(mine, "login", state, secure=False).outcome is StateOutcome.NO_COOKIE  # http name differs
    clock.advance(10)
    ok = s.check(mine, "login", state, secure=True)
    assert ok.ok
    assert ok.extra == {"r": "https://x/"}
    assert s.check(mine, "login", state, secure=True).outcome is StateOutcome.REPLAYED
    assert s.check(mine, "login", state, secure=True).outcome is StateOutcome.REPLAYED  # still, the second time
    assert s.check(mine, "login", "0" * 32, secure=True).outcome is StateOutcome.UNKNOWN

    theirs, _ = s.issue(mine, "login", lifetime=LIFETIME, secure=True)
    assert s.check(other, "login", theirs, secure=True).outcome is StateOutcome.OTHER_BROWSER
    assert s.check(mine, "login", theirs, secure=True).outcome is StateOutcome.REPLAYED  # burnt by the attempt


def test_a_second_flow_in_the_same_browser_keeps_its_cookie(states: tuple[BrowserStates, ManualClock]) -> None:
    s, _ = states
    first, cookie = s.issue({}, "install", lifetime=LIFETIME, secure=False)
    second, again = s.issue(cookie_of(cookie), "install", lifetime=LIFETIME, secure=False)
    assert again == cookie  # same binding: both tabs can finish
    assert s.check(cookie_of(cookie), "install", first, secure=False).ok
    assert s.check(cookie_of(cookie), "install", second, secure=False).ok


def test_expiry_and_kinds(states: tuple[BrowserStates, ManualClock]) -> None:
    s, clock = states
    state, cookie = s.issue({}, "install", lifetime=LIFETIME, secure=False)
    assert s.check(cookie_of(cookie), "login", state, secure=False).outcome is StateOutcome.NO_COOKIE
    login_state, login_cookie = s.issue({}, "login", lifetime=LIFETIME, secure=False)
    install_as_login = {"cookie": cookie_of(cookie)["cookie"] + "; " + login_cookie.split(";")[0]}
    assert s.check(install_as_login, "login", state, secure=False).outcome is StateOutcome.UNKNOWN
    clock.advance(LIFETIME + 1)
    assert s.check(cookie_of(login_cookie), "login", login_state, secure=False).outcome is StateOutcome.EXPIRED
    old, old_cookie = s.issue({}, "login", lifetime=LIFETIME, secure=False)
    clock.advance(3 * LIFETIME)
    assert s.check(cookie_of(old_cookie), "login", old, secure=False).outcome is StateOutcome.UNKNOWN


def test_read_cookie() -> None:
    assert read_cookie({"cookie": 'a=1; b="2"; c'}, "b") == "2"
    assert read_cookie({"cookie": "ab=1"}, "a") is None
    assert read_cookie({}, "a") is None


ALLOWED = ["https://app.example.com/after-login", "https://app.example.com:8443/", "http://127.0.0.1:9000/x/"]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://app.example.com/after-login", True),
        ("https://app.example.com/after-login/deep?x=1#f", True),
        ("https://APP.example.com/after-login", True),
        ("https://app.example.com/after-loginx", False),  # not below the prefix
        ("https://app.example.com/", False),
        ("http://app.example.com/after-login", False),  # scheme differs
        ("https://app.example.com:8443/anything", True),
        ("https://app.example.com:8443", True),
        ("https://evil.example/after-login", False),
        ("https://app.example.com.evil.example/after-login", False),
        ("https://app.example.com@evil.example/after-login", False),
        ("//evil.example/after-login", False),
        ("/after-login", False),
        ("https://app.example.com/after-login\\@evil", False),
        ("javascript:alert(1)", False),
        ("http://127.0.0.1:9000/x/page", True),
        ("http://127.0.0.1:9000/xy", False),
        ("https://app.example.com/after-login/../../evil", False),  # dot segments leave the prefix in a browser
        ("https://app.example.com/after-login/..%2f..%2fevil", False),
        ("https://app.example.com/after-login/%2e%2e/%2e%2e/evil", False),
        ("https://app.example.com/after-login/./page", False),
        ("https://app.example.com/after-login/a%5c..%5cevil", False),
        ("", False),
    ],
)
def test_return_urls_must_be_configured(url: str, ok: bool) -> None:
    assert return_url_allowed(url, ALLOWED) is ok


def test_login_mode_by_user_agent_unless_configured() -> None:
    wecom = "Mozilla/5.0 (iPhone) AppleWebKit/605 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh"
    assert choose_login_mode("auto", wecom) == "oauth2"
    assert choose_login_mode("auto", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120") == "web"
    assert choose_login_mode("web", wecom) == "web"
    assert choose_login_mode("oauth2", "curl/8") == "oauth2"


def test_sign_in_settings_are_checked() -> None:
    base = {"suite_id": "wwsuite", "suite_secret": "s", "token": "t", "encoding_aes_key": "a" * 43}
    config = SuiteConfig(**base, login_mode="web", secret_key="k" * 32, allowed_return_urls="https://a.example/x")
    assert "k" * 32 not in repr(config)
    for bad, setting in [
        ({"login_mode": "qr"}, "login_mode"),
        ({"login_scope": "snsapi_userinfo"}, "login_scope"),
        ({"secret_key": "short"}, "secret_key"),
        ({"allowed_return_urls": "https://ok.example /relative"}, "allowed_return_urls"),
        ({"login_redirect_url": "ftp://x"}, "login_redirect_url"),
    ]:
        with pytest.raises(ConfigError, match=setting):
            SuiteConfig(**base, **bad)
