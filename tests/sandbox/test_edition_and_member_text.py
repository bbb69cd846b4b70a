"""Edition changes (change_editon), a member's text message on the data URL, and the 代开发 token rule:
the Python actions and the admin API, checked with wechatpy (the receiver) and raw HTTP."""

from __future__ import annotations

import httpx

from wecom_suite.sandbox import Sandbox

from .conftest import Receiver, suite_token


def auth_info(sandbox: Sandbox, http: httpx.Client, corp_id: str, path: str) -> dict[str, object]:
    answer = http.post(f"/cgi-bin/{path}", params={"suite_access_token": suite_token(sandbox, http)},
                       json={"auth_corpid": corp_id, "permanent_code": sandbox.emulator.permanent_code(corp_id)}).json()
    assert answer["errcode"] == 0, answer
    (edition,) = answer["edition_info"]["agent"]
    return dict(edition)


def test_change_edition_over_the_admin_api_pushes_change_editon(
    sandbox: Sandbox, receiver: Receiver, http: httpx.Client
) -> None:
    corp_id = sandbox.company().corp_id
    sandbox.authorize(corp_id)
    assert auth_info(sandbox, http, corp_id, "service/get_auth_info")["edition_id"] == "sandbox-edition"
    answer = http.post(f"/sandbox/companies/{corp_id}/change_edition",
                       json={"edition_id": "pro-2026", "edition_name": "专业版", "user_limit": 50,
                             "expired_time": 1_800_000_000})
    assert answer.status_code == 200
    assert answer.json()["delivery"]["ok"] is True
    event = receiver.posts()[-1].event
    assert (event["InfoType"], event["PaidCorpId"], event["SuiteId"]) == (
        "change_editon", corp_id, sandbox.settings.suite_id)
    for path in ("service/get_auth_info", "service/v2/get_auth_info"):
        edition = auth_info(sandbox, http, corp_id, path)
        assert (edition["edition_id"], edition["edition_name"], edition["app_status"], edition["user_limit"],
                edition["expired_time"]) == ("pro-2026", "专业版", 3, 50, 1_800_000_000)
    missing = http.post(f"/sandbox/companies/{corp_id}/change_edition", json={"edition_name": "x"})
    assert missing.status_code == 400
    assert "edition_id" in missing.json()["error"]


def test_change_edition_needs_an_authorised_company(sandbox: Sandbox, http: httpx.Client) -> None:
    corp_id = sandbox.company().corp_id  # never installed
    refused = http.post(f"/sandbox/companies/{corp_id}/change_edition",
                        json={"edition_id": "pro", "edition_name": "专业版"})
    assert refused.status_code == 409
    assert refused.json()["errcode"] == 48004
    assert sandbox.edition(corp_id) is None


def test_push_member_text_goes_to_the_data_url_with_the_corp_id(sandbox: Sandbox, http: httpx.Client) -> None:
    company = sandbox.company()
    data = Receiver(sandbox, receive_id=company.corp_id)
    try:
        sandbox.set_data_callback_url(data.url + "?corp=$CORPID$")
        delivery = sandbox.push_member_text(company.corp_id, "lisi", "你好")
        assert delivery.ok
        again = http.post(f"/sandbox/companies/{company.corp_id}/member_text",
                          json={"userid": "zhangsan", "content": "second"})
        assert again.json()["delivery"]["ok"] is True
        first, second = (p.event for p in data.posts())
        assert (first["MsgType"], first["FromUserName"], first["ToUserName"], first["Content"]) == (
            "text", "lisi", company.corp_id, "你好")
        assert first["AgentID"] == str(company.agent_id)
        assert second["Content"] == "second"
        assert int(second["MsgId"]) > int(first["MsgId"])  # each message its own MsgId
        assert all(p.query["corp"] == company.corp_id for p in data.posts())
        stranger = http.post(f"/sandbox/companies/{company.corp_id}/member_text",
                             json={"userid": "nobody", "content": "hi"})
        assert stranger.status_code == 404
    finally:
        data.close()


def test_get_corp_token_refuses_a_customized_company(sandbox: Sandbox, http: httpx.Client) -> None:
    third_party, customized = list(sandbox.companies)[:2]
    sandbox.authorize(third_party)
    sandbox.install_customized(customized, push=False)
    token = suite_token(sandbox, http)
    answers = {
        corp_id: http.post("/cgi-bin/service/get_corp_token", params={"suite_access_token": token},
                           json={"auth_corpid": corp_id,
                                 "permanent_code": sandbox.emulator.permanent_code(corp_id)}).json()
        for corp_id in (third_party, customized)
    }
    assert "access_token" in answers[third_party]
    assert answers[customized]["errcode"] == 40084  # its permanent code is a secret for gettoken only
    secret = sandbox.emulator.permanent_code(customized)
    ok = http.get("/cgi-bin/gettoken", params={"corpid": customized, "corpsecret": secret}).json()
    assert ok["errcode"] == 0
