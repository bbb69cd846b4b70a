"""The install consent page (/3rdapp/install): in a real headless Chromium, and its modes over HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import Sandbox

from .conftest import Receiver, suite_token


def pre_auth_code(sandbox: Sandbox, http: httpx.Client) -> str:
    token = suite_token(sandbox, http)
    return str(http.get("/cgi-bin/service/get_pre_auth_code",
                        params={"suite_access_token": token}).json()["pre_auth_code"])


def test_install_in_chromium_redirects_and_pushes_create_auth(
    chromium: Any, sandbox: Sandbox, receiver: Receiver, http: httpx.Client
) -> None:
    corp = list(sandbox.companies.values())[1]
    landing = receiver.url.replace("/callback", "/installed?from=sandbox")
    url = sandbox.install_url(pre_auth_code(sandbox, http), landing, state="st42")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        assert corp.corp_name in page.content()
        page.check(f"input[data-corp-id='{corp.corp_id}']")
        with page.expect_navigation(url="**/installed?**"):
            page.click("#authorize")
        final = urlsplit(page.url)
        query = parse_qs(final.query)
        assert final.path == "/installed"
        assert query["from"] == ["sandbox"]
        assert query["state"] == ["st42"]
        assert query["expires_in"] == ["600"]
        (auth_code,) = query["auth_code"]
        assert len(auth_code) >= 64

        create_auth = [p.event for p in receiver.posts() if p.event.get("InfoType") == "create_auth"]
        assert [(e["AuthCode"], e["State"]) for e in create_auth] == [(auth_code, "st42")]

        token = suite_token(sandbox, http)
        perm = http.post("/cgi-bin/service/get_permanent_code", params={"suite_access_token": token},
                         json={"auth_code": auth_code}).json()
        assert perm["auth_corp_info"]["corpid"] == corp.corp_id
        again = http.post("/cgi-bin/service/get_permanent_code", params={"suite_access_token": token},
                          json={"auth_code": auth_code}).json()
        assert again["errcode"] == 40078

        page.goto(url)  # the pre_auth_code is used up now
        assert "preauthcode校验失败" in page.locator("#error").inner_text()
    finally:
        context.close()


def _form(sandbox: Sandbox, code: str, corp_id: str, **extra: str) -> dict[str, str]:
    return {"suite_id": sandbox.settings.suite_id, "pre_auth_code": code, "redirect_uri": "http://app.test/done",
            "state": "s1", "corp_id": corp_id, **extra}


def test_redirect_only_mode_pushes_nothing(clock: ManualClock) -> None:
    with Sandbox(clock=clock, install_delivery="redirect") as sandbox, httpx.Client(
        base_url=sandbox.base_url, trust_env=False
    ) as http:
        receiver = Receiver(sandbox)
        try:
            sandbox.set_callback_url(receiver.url)
            answer = http.post("/3rdapp/install", data=_form(sandbox, pre_auth_code(sandbox, http),
                                                             sandbox.company().corp_id))
            assert answer.status_code == 302
            assert answer.headers["location"].startswith("http://app.test/done?auth_code=")
            assert receiver.requests == []
        finally:
            receiver.close()


def test_callback_only_mode_shows_a_page_and_pushes(clock: ManualClock) -> None:
    with Sandbox(clock=clock, install_delivery="callback") as sandbox, httpx.Client(
        base_url=sandbox.base_url, trust_env=False
    ) as http:
        receiver = Receiver(sandbox)
        try:
            sandbox.set_callback_url(receiver.url)
            answer = http.post("/3rdapp/install", data=_form(sandbox, pre_auth_code(sandbox, http),
                                                             sandbox.company().corp_id))
            assert answer.status_code == 200
            assert "installed the app" in answer.text
            assert [p.event["InfoType"] for p in receiver.posts()] == ["create_auth"]
        finally:
            receiver.close()


def test_error_pages(sandbox: Sandbox, http: httpx.Client, clock: ManualClock) -> None:
    code = pre_auth_code(sandbox, http)
    corp_id = sandbox.company().corp_id
    wrong_suite = http.get("/3rdapp/install", params={"suite_id": "wwother", "pre_auth_code": code,
                                                      "redirect_uri": "http://x/", "state": ""})
    assert wrong_suite.status_code == 400
    assert "use suite_id=" in wrong_suite.text
    bad_state = http.get("/3rdapp/install", params={"suite_id": sandbox.settings.suite_id, "pre_auth_code": code,
                                                    "redirect_uri": "http://x/", "state": "no spaces"})
    assert bad_state.status_code == 400
    assert "state" in bad_state.text
    no_company = http.post("/3rdapp/install", data=_form(sandbox, code, ""))
    assert no_company.status_code == 400
    assert "choose a company" in no_company.text
    clock.advance(1200)
    expired = http.post("/3rdapp/install", data=_form(sandbox, code, corp_id))
    assert expired.status_code == 400
    assert "expired" in expired.text


def test_customized_link_installs_the_template(sandbox: Sandbox, receiver: Receiver, http: httpx.Client) -> None:
    s = sandbox.settings
    token = http.post("/cgi-bin/service/get_provider_token",
                      json={"corpid": s.provider_corp_id, "provider_secret": s.provider_secret}).json()
    link = http.post("/cgi-bin/service/get_customized_auth_url",
                     params={"provider_access_token": token["provider_access_token"]},
                     json={"templateid_list": [s.template_id], "state": "dk1"}).json()["qrcode_url"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert http.get(link).status_code == 200
    corp_id = sandbox.company().corp_id
    done = http.post("/3rdapp/install", data={**query, "corp_id": corp_id})
    assert done.status_code == 200
    (event,) = [p.event for p in receiver.posts() if p.event.get("InfoType") == "create_auth"]
    assert event["State"] == "dk1"
    auth = sandbox.company(corp_id).authorization
    assert auth is not None
    assert auth.customized


def test_oauth2_and_web_login_pages_issue_single_use_codes(sandbox: Sandbox, http: httpx.Client) -> None:
    corp_id = sandbox.company().corp_id
    query = {"appid": sandbox.settings.suite_id, "redirect_uri": "http://app.test/cb?x=1", "state": "lg1",
             "scope": "snsapi_privateinfo", "response_type": "code"}
    nobody = http.get("/connect/oauth2/authorize", params=query)
    assert nobody.status_code == 400  # no company has installed the app yet
    sandbox.authorize(corp_id)
    page = http.get("/connect/oauth2/authorize", params=query)
    assert page.status_code == 200
    assert f"{corp_id}/lisi" in page.text
    form = {k: query[k] for k in ("appid", "redirect_uri", "state", "scope")}
    back = http.post("/sandbox/login", data={**form, "member": f"{corp_id}/lisi"})
    assert back.status_code == 302
    target = urlsplit(back.headers["location"])
    params = parse_qs(target.query)
    assert target.netloc == "app.test"
    assert params["x"] == ["1"]
    assert params["state"] == ["lg1"]
    token = suite_token(sandbox, http)
    who = http.get("/cgi-bin/service/auth/getuserinfo3rd",
                   params={"suite_access_token": token, "code": params["code"][0]}).json()
    assert who["userid"] == "lisi"
    assert who["user_ticket"]
    web = http.get("/wwlogin/sso/login", params={"login_type": "ServiceApp", "appid": sandbox.settings.suite_id,
                                                 "redirect_uri": "http://app.test/cb", "state": ""})
    assert web.status_code == 200
    wrong = http.get("/wwlogin/sso/login", params={"appid": "wwother", "redirect_uri": "http://app.test/cb"})
    assert wrong.status_code == 400


def test_qrcode_install_only_pushes(sandbox: Sandbox, receiver: Receiver, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    qrcode = http.post("/cgi-bin/service/get_app_qrcode", params={"suite_access_token": token},
                       json={"suite_id": sandbox.settings.suite_id, "result_type": 2, "state": "qr1"}).json()["qrcode"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(qrcode).query, keep_blank_values=True).items()}
    assert http.get(qrcode).status_code == 200
    corp_id = sandbox.company().corp_id
    done = http.post("/3rdapp/install", data={**query, "corp_id": corp_id})
    assert done.status_code == 200
    assert "installed the app" in done.text
    (event,) = [p.event for p in receiver.posts() if p.event.get("InfoType") == "create_auth"]
    assert event["State"] == "qr1"
