"""docs/signin.md's Flask and FastAPI examples, run as written: a member signs in through the sandbox."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from itsdangerous import TimestampSigner

from tests.app.suite_world import parse_page
from wecom_suite.clock import SystemClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores.records import SuiteTicket

DOC = Path(__file__).resolve().parents[2] / "docs" / "signin.md"


def doc_block(heading: str) -> str:
    """The first ```python block under ``## heading`` in docs/signin.md."""
    text = DOC.read_text(encoding="utf-8")
    assert f"## {heading}\n" in text, f"docs/signin.md lost its section {heading!r}"
    return text.split(f"## {heading}\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def sandbox_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Its own Sandbox: the documented code runs on real time (SystemClock), not on wecom_sandbox's ManualClock.
    with Sandbox(clock=SystemClock(), ticket_interval=None, background_pushes=False) as sandbox:
        s = sandbox.settings
        for name, value in {
            "WECOM_SUITE_ID": s.suite_id,
            "WECOM_SUITE_SECRET": s.suite_secret,
            "WECOM_TOKEN": s.token,
            "WECOM_ENCODING_AES_KEY": s.encoding_aes_key,
            "WECOM_API_BASE_URL": s.api_base_url,
            "WECOM_INSTALL_BASE_URL": s.install_base_url,
            "WECOM_LOGIN_BASE_URL": s.install_base_url,
            "WECOM_STORE_URL": f"sqlite:///{tmp_path / 'signin.db'}",
            "FLASK_SECRET_KEY": "flask-session-key-for-the-test",
            "SESSION_SECRET": "starlette-session-key-for-the-test",
            "WECOM_LOGIN_REDIRECT_URL": "http://testserver/after-login",
        }.items():
            monkeypatch.setenv(name, value)
        yield sandbox


def install_and_pick(sandbox: Sandbox, suite: Any) -> tuple[str, str]:
    """Install the first company (redeemed by the suite itself) and return (corp_id, a member's userid)."""
    s = sandbox.settings
    corp = sandbox.company()
    suite.store.tickets.save_ticket(SuiteTicket(s.suite_id, sandbox.issue_ticket(), time.time()))
    suite.lifecycle.redemption.redeem(sandbox.install(corp.corp_id, push=False))
    return corp.corp_id, next(iter(corp.users))


def through_wecom(location: str, corp_id: str, userid: str) -> str:
    """Play the member on WeCom's (the sandbox's) sign-in page; returns the callback URL WeCom redirects to."""
    with httpx.Client(timeout=10, trust_env=False) as http:
        page = http.get(location)
        assert page.status_code == 200, page.text
        form = parse_page(page.text)
        assert f"{corp_id}/{userid}" in form.radios
        back = http.post(str(page.url.copy_with(path=form.action, query=None)),
                         data={**form.fields, "member": f"{corp_id}/{userid}"})
    assert back.status_code == 302, back.text
    return back.headers["location"]


def test_flask_sign_in_example(sandbox_env: Sandbox) -> None:
    namespace: dict[str, Any] = {"__name__": "flask_signin_example"}
    code = doc_block("Flask: a few lines more than the README's example")
    exec(compile(code, "flask_signin.py", "exec"), namespace)  # noqa: S102 - our own documentation's example
    suite, client = namespace["suite"], namespace["web"].test_client()
    try:
        corp_id, userid = install_and_pick(sandbox_env, suite)
        home = client.get("/")
        assert home.status_code == 302
        start = client.get(home.headers["location"])
        assert start.status_code == 302
        assert "/wwlogin/sso/login?login_type=ServiceApp" in start.headers["location"]  # not inside WeCom
        back = urlsplit(through_wecom(start.headers["location"], corp_id, userid))
        done = client.get(f"{back.path}?{back.query}")
        assert done.status_code == 302, done.get_data(as_text=True)
        assert client.get("/").get_data(as_text=True) == f"Hello {userid} of {corp_id}"
        again = client.get(f"{back.path}?{back.query}")  # the callback replayed
        assert again.status_code == 400
    finally:
        suite.close()


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_fastapi_hand_off_example(sandbox_env: Sandbox) -> None:
    from starlette.testclient import TestClient

    namespace: dict[str, Any] = {"__name__": "fastapi_signin_example"}
    exec(compile(doc_block("FastAPI: the hand-off"), "fastapi_signin.py", "exec"), namespace)  # noqa: S102 - ditto
    suite = namespace["suite"]
    try:
        corp_id, userid = install_and_pick(sandbox_env, suite)
        with TestClient(namespace["api"], follow_redirects=False) as client:
            start = client.get("/wecom/login", headers={"user-agent": "Mozilla/5.0 wxwork/4.1.22"})
            assert start.status_code == 302
            assert "/connect/oauth2/authorize?" in start.headers["location"]  # inside WeCom: OAuth2
            back = urlsplit(through_wecom(start.headers["location"], corp_id, userid))
            handed = client.get(f"{back.path}?{back.query}")
            assert handed.status_code == 302
            target = urlsplit(handed.headers["location"])
            assert target.path == "/after-login"
            token = parse_qs(target.query)["wecom_handoff"][0]
            landed = client.get(f"/after-login?wecom_handoff={token}")
            assert (landed.status_code, landed.headers["location"]) == (307, "/")
            signed = TimestampSigner("starlette-session-key-for-the-test").unsign(client.cookies["session"])
            assert json.loads(base64.b64decode(signed)) == {"corp_id": corp_id, "userid": userid}
            replay = client.get(f"/after-login?wecom_handoff={token}")  # a token verifies once
            assert replay.headers["location"] == "/wecom/login"
    finally:
        suite.close()
