"""Each endpoint over loopback HTTP: WeCom's paths, JSON shapes, HTTP 200 errors and lifetimes."""

from __future__ import annotations

import httpx
import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import ENDPOINTS, Sandbox

from .conftest import corp_token, provider_token, suite_token


def test_install_chain_over_http(sandbox: Sandbox, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    pre = http.get("/cgi-bin/service/get_pre_auth_code", params={"suite_access_token": token}).json()
    assert pre["errcode"] == 0
    assert pre["expires_in"] == 1200
    ok = http.post("/cgi-bin/service/set_session_info", params={"suite_access_token": token},
                   json={"pre_auth_code": pre["pre_auth_code"], "session_info": {"auth_type": 1}}).json()
    assert ok == {"errcode": 0, "errmsg": "ok"}
    corp_id = sandbox.company().corp_id
    code = sandbox.install(corp_id, state="abc")
    perm = http.post("/cgi-bin/service/get_permanent_code", params={"suite_access_token": token},
                     json={"auth_code": code}).json()
    assert perm["errcode"] == 0
    assert perm["auth_corp_info"]["corpid"] == corp_id
    again = http.post("/cgi-bin/service/get_permanent_code", params={"suite_access_token": token},
                      json={"auth_code": code}).json()
    assert again["errcode"] == 40078
    assert "more info at https://open.work.weixin.qq.com/devtool/query?e=40078" in again["errmsg"]
    info = http.post("/cgi-bin/service/get_auth_info", params={"suite_access_token": token},
                     json={"auth_corpid": corp_id, "permanent_code": perm["permanent_code"]}).json()
    assert info["errcode"] == 0
    assert "permanent_code" not in info
    assert "access_token" not in info
    admins = http.post("/cgi-bin/service/get_admin_list", params={"suite_access_token": token},
                       json={"auth_corpid": corp_id, "agentid": sandbox.company(corp_id).agent_id}).json()
    assert [a["userid"] for a in admins["admin"]] == ["zhangsan"]


def test_corp_apis_with_a_company_token(sandbox: Sandbox, http: httpx.Client) -> None:
    corp_id = sandbox.company().corp_id
    token = corp_token(sandbox, http, corp_id)
    jsapi = http.get("/cgi-bin/get_jsapi_ticket", params={"access_token": token}).json()
    assert jsapi["errcode"] == 0
    assert jsapi["expires_in"] == 7200
    assert http.get("/cgi-bin/get_jsapi_ticket", params={"access_token": token}).json()["ticket"] == jsapi["ticket"]
    agent_ticket = http.get("/cgi-bin/ticket/get", params={"access_token": token, "type": "agent_config"}).json()
    assert agent_ticket["errcode"] == 0
    assert agent_ticket["ticket"] != jsapi["ticket"]
    assert http.get("/cgi-bin/ticket/get", params={"access_token": token, "type": "x"}).json()["errcode"] == 40058
    user = http.get("/cgi-bin/user/get", params={"access_token": token, "userid": "lisi"}).json()
    assert user["userid"] == "lisi"
    assert user["department"] == [2]
    listed = http.get("/cgi-bin/user/list", params={"access_token": token, "department_id": 2}).json()
    assert [u["userid"] for u in listed["userlist"]] == ["lisi"]
    deps = http.get("/cgi-bin/department/list", params={"access_token": token}).json()
    assert {d["id"] for d in deps["department"]} == {1, 2, 3}
    agent = http.get("/cgi-bin/agent/get", params={"access_token": token, "agentid": sandbox.company().agent_id})
    assert agent.json()["errcode"] == 0
    conv = http.post("/cgi-bin/batch/userid_to_openuserid", params={"access_token": token},
                     json={"userid_list": ["lisi", "ghost"]}).json()
    assert conv["invalid_userid_list"] == ["ghost"]
    assert conv["open_userid_list"][0]["open_userid"] == sandbox.company().users["lisi"].open_userid


def test_provider_endpoints(sandbox: Sandbox, http: httpx.Client) -> None:
    token = provider_token(sandbox, http)
    corp_id = sandbox.company().corp_id
    open_id = http.post("/cgi-bin/service/corpid_to_opencorpid", params={"provider_access_token": token},
                        json={"corpid": corp_id}).json()
    assert open_id["errcode"] == 0
    assert open_id["open_corpid"].startswith("wp")
    login = http.post("/cgi-bin/service/get_login_info", params={"access_token": token},
                      json={"auth_code": sandbox.issue_login_code(corp_id, "zhangsan")}).json()
    assert login["user_info"]["userid"] == "zhangsan"


def test_tokens_expire_on_the_sandbox_clock(sandbox: Sandbox, http: httpx.Client, clock: ManualClock) -> None:
    token = suite_token(sandbox, http)
    corp_id = sandbox.company().corp_id
    ctoken = corp_token(sandbox, http, corp_id)
    clock.advance(7199)
    assert http.get("/cgi-bin/service/get_pre_auth_code", params={"suite_access_token": token}).json()["errcode"] == 0
    clock.advance(1)
    assert http.get("/cgi-bin/service/get_pre_auth_code",
                    params={"suite_access_token": token}).json()["errcode"] == 42009
    assert http.get("/cgi-bin/user/get", params={"access_token": ctoken, "userid": "lisi"}).json()["errcode"] == 42001


def test_app_qrcode_as_png_or_url(sandbox: Sandbox, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    png = http.post("/cgi-bin/service/get_app_qrcode", params={"suite_access_token": token},
                    json={"suite_id": sandbox.settings.suite_id, "result_type": 1})
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    url = http.post("/cgi-bin/service/get_app_qrcode", params={"suite_access_token": token},
                    json={"suite_id": sandbox.settings.suite_id, "result_type": 2, "state": "qr1"}).json()
    assert url["qrcode"].startswith(sandbox.base_url + "/3rdapp/install?")


def test_bad_json_unknown_path_and_missing_token(sandbox: Sandbox, http: httpx.Client) -> None:
    bad = http.post("/cgi-bin/service/get_suite_token", content=b"{not json",
                    headers={"Content-Type": "application/json"})
    assert bad.status_code == 200
    assert bad.json()["errcode"] == 47001
    missing = http.get("/cgi-bin/no/such/api")
    assert missing.status_code == 404
    assert missing.json()["errcode"] == 48005
    assert http.get("/cgi-bin/service/get_pre_auth_code").json()["errcode"] == 41001


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_every_endpoint_refuses_a_missing_credential(sandbox: Sandbox, http: httpx.Client, path: str) -> None:
    answer = http.post(f"/cgi-bin/{path}", json={}).json()
    assert answer["errcode"] in {41001, 41002, 40013, 40083}, answer
    assert sandbox.counters[path] == 1


def test_lifetimes_match_the_reference(sandbox: Sandbox, http: httpx.Client) -> None:
    """expires_in of every issued value, as in docs/protocol.md §0 and §3."""
    corp_id = sandbox.company().corp_id
    s = sandbox.settings
    ptoken = http.post("/cgi-bin/service/get_provider_token",
                       json={"corpid": s.provider_corp_id, "provider_secret": s.provider_secret}).json()
    stoken = http.post("/cgi-bin/service/get_suite_token", json={
        "suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": sandbox.issue_ticket()}).json()
    suite = {"suite_access_token": stoken["suite_access_token"]}
    pre = http.get("/cgi-bin/service/get_pre_auth_code", params=suite).json()
    ctoken = corp_token(sandbox, http, corp_id)
    corp = {"access_token": ctoken}
    jsapi = http.get("/cgi-bin/get_jsapi_ticket", params=corp).json()
    agent = http.get("/cgi-bin/ticket/get", params={**corp, "type": "agent_config"}).json()
    code = sandbox.issue_oauth_code(corp_id, "lisi", scope="snsapi_privateinfo")
    user = http.get("/cgi-bin/service/auth/getuserinfo3rd", params={**suite, "code": code}).json()
    link = http.post("/cgi-bin/service/get_customized_auth_url",
                     params={"provider_access_token": ptoken["provider_access_token"]},
                     json={"templateid_list": [s.template_id], "state": "a"}).json()
    lifetimes = [ptoken, stoken, pre, jsapi, agent, user, link]
    assert [answer["expires_in"] for answer in lifetimes] == [7200, 7200, 1200, 7200, 7200, 7200, 864000]
    install = http.post(f"/sandbox/companies/{sandbox.company(list(sandbox.companies)[1]).corp_id}/install").json()
    issued = sandbox.emulator.book.lookup("auth_code", install["auth_code"])
    assert issued is not None
    assert issued.remaining(sandbox.clock.now()) == 600


def test_tokens_can_be_expired_or_invalidated_early(sandbox: Sandbox, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    pre = {"suite_access_token": token}
    sandbox.expire_token("suite_token")
    assert http.get("/cgi-bin/service/get_pre_auth_code", params=pre).json()["errcode"] == 42009
    token = suite_token(sandbox, http)
    # both the expired token and the fresh one are forgotten
    assert http.post("/sandbox/tokens/invalidate", json={"kind": "suite_token"}).json() == {"invalidated": 2}
    assert http.get("/cgi-bin/service/get_pre_auth_code",
                    params={"suite_access_token": token}).json()["errcode"] == 40082
    corp_id = sandbox.company().corp_id
    ctoken = corp_token(sandbox, http, corp_id)
    assert http.post("/sandbox/tokens/expire", json={"kind": "corp_token", "corp_id": corp_id}).status_code == 200
    assert http.get("/cgi-bin/get_jsapi_ticket", params={"access_token": ctoken}).json()["errcode"] == 42001
    assert http.post("/sandbox/tokens/expire", json={"kind": "corp_token"}).status_code == 400
    assert http.post("/sandbox/tokens/explode", json={}).status_code == 404
