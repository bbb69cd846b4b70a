"""The emulator's rules without HTTP (sans-I/O): lifetimes, errcodes and one-time codes per docs/protocol.md."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wecom_suite.clock import ManualClock
from wecom_suite.sandbox import ApiFailure, Emulator, new_settings


@pytest.fixture
def emu(clock: ManualClock) -> Emulator:
    return Emulator(new_settings(), clock)


def errcode(emu: Emulator, path: str, params: dict[str, Any]) -> int:
    try:
        emu.call(path, params)
    except ApiFailure as failure:
        return failure.errcode
    return 0


def suite_token(emu: Emulator, ticket: str | None = None) -> str:
    s = emu.settings
    answer = emu.call("service/get_suite_token", {
        "suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": ticket or emu.issue_ticket()})
    assert isinstance(answer, dict)
    return str(answer["suite_access_token"])


def test_suite_token_checks_suite_id_then_secret_then_ticket(emu: Emulator) -> None:
    s = emu.settings
    ticket = emu.issue_ticket()
    good = {"suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": ticket}
    assert errcode(emu, "service/get_suite_token", {**good, "suite_id": "wwnope"}) == 40083
    assert errcode(emu, "service/get_suite_token", {**good, "suite_secret": "wrong"}) == 40080
    assert errcode(emu, "service/get_suite_token", {**good, "suite_ticket": "forged"}) == 40085
    assert errcode(emu, "service/get_suite_token", good) == 0


def test_current_and_previous_ticket_are_valid_for_30_minutes_older_ones_never(
    emu: Emulator, clock: ManualClock
) -> None:
    first = emu.issue_ticket()
    clock.advance(600)
    second = emu.issue_ticket()
    clock.advance(600)
    third = emu.issue_ticket()
    assert not emu.ticket_valid(first)  # pushed out by two newer tickets
    assert emu.ticket_valid(second)
    assert emu.ticket_valid(third)
    clock.advance(1800 - 600)  # second is now exactly 30 minutes old
    assert not emu.ticket_valid(second)
    assert emu.ticket_valid(third)
    clock.advance(600)
    assert not emu.ticket_valid(third)


def test_suite_token_is_reused_while_valid_and_expires_with_42009(emu: Emulator, clock: ManualClock) -> None:
    token = suite_token(emu)
    clock.advance(3600)
    again = emu.call("service/get_suite_token", {
        "suite_id": emu.settings.suite_id, "suite_secret": emu.settings.suite_secret,
        "suite_ticket": emu.issue_ticket()})
    assert isinstance(again, dict)
    assert again["suite_access_token"] == token
    assert again["expires_in"] == 3600  # the remaining lifetime of the same token
    assert errcode(emu, "service/get_pre_auth_code", {"suite_access_token": token}) == 0
    clock.advance(3600)
    assert errcode(emu, "service/get_pre_auth_code", {"suite_access_token": token}) == 42009
    assert errcode(emu, "service/get_pre_auth_code", {"suite_access_token": "never-issued"}) == 40082
    assert errcode(emu, "service/get_pre_auth_code", {}) == 41001
    assert suite_token(emu) != token


def test_pre_auth_code_lives_1200_seconds(emu: Emulator, clock: ManualClock) -> None:
    token = suite_token(emu)
    answer = emu.call("service/get_pre_auth_code", {"suite_access_token": token})
    assert isinstance(answer, dict)
    assert answer["expires_in"] == 1200
    code = answer["pre_auth_code"]
    session = {"suite_access_token": token, "pre_auth_code": code, "session_info": {"auth_type": 1}}
    assert errcode(emu, "service/set_session_info", session) == 0
    assert emu.pre_auth_code(code).data["auth_type"] == 1
    assert errcode(emu, "service/set_session_info", {**session, "pre_auth_code": "nope"}) == 40077
    clock.advance(1200)
    assert errcode(emu, "service/set_session_info", {**session, "suite_access_token": suite_token(emu)}) == 42007


def test_used_pre_auth_code_is_invalid(emu: Emulator) -> None:
    token = suite_token(emu)
    answer = emu.call("service/get_pre_auth_code", {"suite_access_token": token})
    assert isinstance(answer, dict)
    emu.consume_pre_auth_code(answer["pre_auth_code"])
    with pytest.raises(ApiFailure) as info:
        emu.consume_pre_auth_code(answer["pre_auth_code"])
    assert info.value.errcode == 40077


def test_auth_code_is_single_use_short_codes_are_40058_and_expired_40078(
    emu: Emulator, clock: ManualClock
) -> None:
    corp_id = next(iter(emu.companies))
    code = emu.install(corp_id, state="s1")
    token = suite_token(emu)
    assert errcode(emu, "service/get_permanent_code", {"suite_access_token": token, "auth_code": "short"}) == 40058
    answer = emu.call("service/get_permanent_code", {"suite_access_token": token, "auth_code": code})
    assert isinstance(answer, dict)
    assert answer["auth_corp_info"]["corpid"] == corp_id
    assert answer["permanent_code"] == emu.permanent_code(corp_id)
    assert answer["state"] == "s1"
    assert answer["expires_in"] == 7200
    assert answer["access_token"]
    assert answer["auth_info"]["agent"][0]["agentid"] == emu.companies[corp_id].agent_id
    assert errcode(emu, "service/get_permanent_code", {"suite_access_token": token, "auth_code": code}) == 40078
    late = emu.install(corp_id)
    clock.advance(600)
    assert errcode(emu, "service/v2/get_permanent_code",
                   {"suite_access_token": suite_token(emu), "auth_code": late}) == 40078


def test_v2_permanent_code_returns_the_short_shape(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    code = emu.install(corp_id)
    answer = emu.call("service/v2/get_permanent_code", {"suite_access_token": suite_token(emu), "auth_code": code})
    assert isinstance(answer, dict)
    assert set(answer["auth_corp_info"]) == {"corpid", "corp_name"}
    assert "access_token" not in answer
    assert "auth_info" not in answer


def test_permanent_code_belongs_to_one_company_and_dies_on_cancel(emu: Emulator) -> None:
    first, second = list(emu.companies)[:2]
    emu.install(first)
    emu.install(second)
    token = suite_token(emu)
    mixed = {"suite_access_token": token, "auth_corpid": second, "permanent_code": emu.permanent_code(first)}
    assert errcode(emu, "service/get_corp_token", mixed) == 40084
    good = {"suite_access_token": token, "auth_corpid": first, "permanent_code": emu.permanent_code(first)}
    answer = emu.call("service/get_corp_token", good)
    assert isinstance(answer, dict)
    corp_token = answer["access_token"]
    assert errcode(emu, "user/get", {"access_token": corp_token, "userid": "zhangsan"}) == 0
    emu.cancel_auth(first)
    assert errcode(emu, "service/get_corp_token", good) == 40084
    assert errcode(emu, "service/get_auth_info", good) == 40084
    assert errcode(emu, "user/get", {"access_token": corp_token, "userid": "zhangsan"}) == 40014
    assert errcode(emu, "service/get_admin_list",
                   {"suite_access_token": token, "auth_corpid": first, "agentid": 1000002}) == 48004


def test_corp_token_expires_with_42001_and_is_scoped_to_its_company(emu: Emulator, clock: ManualClock) -> None:
    first, second = list(emu.companies)[:2]
    emu.install(first)
    answer = emu.call("service/get_corp_token", {
        "suite_access_token": suite_token(emu), "auth_corpid": first, "permanent_code": emu.permanent_code(first)})
    assert isinstance(answer, dict)
    token = answer["access_token"]
    users = emu.call("user/simplelist", {"access_token": token, "department_id": 1, "fetch_child": 1})
    assert isinstance(users, dict)
    assert {u["userid"] for u in users["userlist"]} == set(emu.companies[first].users)
    assert not set(emu.companies[second].users) & {u["userid"] for u in users["userlist"]}
    assert errcode(emu, "user/get", {"access_token": token, "userid": "alice"}) == 60111  # alice is in `second`
    clock.advance(7200)
    assert errcode(emu, "get_jsapi_ticket", {"access_token": token}) == 42001
    assert errcode(emu, "get_jsapi_ticket", {"access_token": "unknown"}) == 40014


def test_reset_permanent_code_replaces_the_secret_when_exchanged(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id, customized=True)
    old = emu.permanent_code(corp_id)
    assert errcode(emu, "gettoken", {"corpid": corp_id, "corpsecret": old}) == 0
    code = emu.reset_permanent_code(corp_id)
    assert emu.permanent_code(corp_id) == old  # nothing changes until the new code is fetched
    answer = emu.call("service/get_permanent_code", {"suite_access_token": suite_token(emu), "auth_code": code})
    assert isinstance(answer, dict)
    assert answer["permanent_code"] != old
    assert "access_token" not in answer  # 代开发: no corp token in the answer
    assert answer["auth_info"]["agent"][0]["is_customized_app"] is True
    assert errcode(emu, "gettoken", {"corpid": corp_id, "corpsecret": old}) == 40001
    assert errcode(emu, "gettoken", {"corpid": corp_id, "corpsecret": answer["permanent_code"]}) == 0
    assert errcode(emu, "gettoken", {"corpid": "wwunknown", "corpsecret": old}) == 40013
    assert errcode(emu, "gettoken", {"corpid": corp_id}) == 41004


def test_oauth_code_is_single_use_and_lives_300_seconds(emu: Emulator, clock: ManualClock) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id)
    token = suite_token(emu)
    code = emu.issue_oauth_code(corp_id, "lisi", scope="snsapi_privateinfo")
    answer = emu.call("service/auth/getuserinfo3rd", {"suite_access_token": token, "code": code})
    assert isinstance(answer, dict)
    assert answer["userid"] == "lisi"
    assert answer["corpid"] == corp_id
    assert answer["open_userid"] == emu.companies[corp_id].users["lisi"].open_userid
    assert errcode(emu, "service/auth/getuserinfo3rd", {"suite_access_token": token, "code": code}) == 40029
    ticket = answer["user_ticket"]
    detail = emu.call("service/auth/getuserdetail3rd", {"suite_access_token": token, "user_ticket": ticket})
    assert isinstance(detail, dict)
    assert detail["userid"] == "lisi"
    assert errcode(emu, "service/auth/getuserdetail3rd", {"suite_access_token": token, "user_ticket": ticket}) == 84015
    late = emu.issue_oauth_code(corp_id, "lisi")
    clock.advance(300)
    assert errcode(emu, "service/auth/getuserinfo3rd", {"suite_access_token": suite_token(emu), "code": late}) == 40029


def test_user_ticket_expires_with_84014(emu: Emulator, clock: ManualClock) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id)
    code = emu.issue_oauth_code(corp_id, "zhangsan", scope="snsapi_privateinfo")
    answer = emu.call("service/auth/getuserinfo3rd", {"suite_access_token": suite_token(emu), "code": code})
    assert isinstance(answer, dict)
    clock.advance(7200)
    assert errcode(emu, "service/auth/getuserdetail3rd",
                   {"suite_access_token": suite_token(emu), "user_ticket": answer["user_ticket"]}) == 84014


def test_non_member_gets_an_openid(emu: Emulator) -> None:
    code = emu.issue_oauth_code(None)
    answer = emu.call("service/auth/getuserinfo3rd", {"suite_access_token": suite_token(emu), "code": code})
    assert isinstance(answer, dict)
    assert set(answer) == {"errcode", "errmsg", "openid"}


def test_provider_token_and_login_info(emu: Emulator) -> None:
    s = emu.settings
    assert errcode(emu, "service/get_provider_token", {"corpid": "wwother", "provider_secret": s.provider_secret}) \
        == 40013
    assert errcode(emu, "service/get_provider_token", {"corpid": s.provider_corp_id, "provider_secret": "x"}) == 40001
    answer = emu.call("service/get_provider_token",
                      {"corpid": s.provider_corp_id, "provider_secret": s.provider_secret})
    assert isinstance(answer, dict)
    token = answer["provider_access_token"]
    corp_id = next(iter(emu.companies))
    code = emu.issue_login_code(corp_id, "zhangsan", usertype=2)
    assert errcode(emu, "service/get_login_info", {"provider_access_token": token, "auth_code": code}) == 41001
    info = emu.call("service/get_login_info", {"access_token": token, "auth_code": code})
    assert isinstance(info, dict)
    assert info["usertype"] == 2
    assert info["corp_info"]["corpid"] == corp_id
    assert errcode(emu, "service/get_login_info", {"access_token": token, "auth_code": code}) == 40029
    # a suite token is not a provider token
    assert errcode(emu, "service/corpid_to_opencorpid",
                   {"provider_access_token": suite_token(emu), "corpid": corp_id}) == 40082


def test_customized_auth_url_and_register_codes(emu: Emulator) -> None:
    s = emu.settings
    answer = emu.call("service/get_provider_token",
                      {"corpid": s.provider_corp_id, "provider_secret": s.provider_secret})
    assert isinstance(answer, dict)
    token = answer["provider_access_token"]
    base = {"provider_access_token": token}
    assert errcode(emu, "service/get_customized_auth_url", {**base, "templateid_list": []}) == 84019
    assert errcode(emu, "service/get_customized_auth_url", {**base, "templateid_list": ["dkother"]}) == 84020
    assert errcode(emu, "service/get_customized_auth_url",
                   {**base, "templateid_list": [s.template_id], "state": "bad state!"}) == 84025
    link = emu.call("service/get_customized_auth_url", {**base, "templateid_list": [s.template_id], "state": "ok1"})
    assert isinstance(link, dict)
    assert link["expires_in"] == 864000
    assert errcode(emu, "service/get_register_info", base) == 84021
    assert errcode(emu, "service/get_register_info", {**base, "register_code": "nope"}) == 84022
    reg = emu.call("service/get_register_code", {**base, "template_id": "tpl1", "corp_name": "新公司", "state": "r1"})
    assert isinstance(reg, dict)
    assert errcode(emu, "service/get_register_info", {**base, "register_code": reg["register_code"]}) == 84024
    company = emu.complete_registration(reg["register_code"])
    info = emu.call("service/get_register_info", {**base, "register_code": reg["register_code"]})
    assert isinstance(info, dict)
    assert info["corpid"] == company.corp_id
    assert info["state"] == "r1"


def test_orders_and_licenses(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    token = suite_token(emu)
    assert errcode(emu, "service/prolong_try", {"suite_access_token": token, "buyer_corpid": corp_id,
                                                "prolong_days": 10}) == 48004
    emu.install(corp_id)
    order = emu.create_order(corp_id)
    got = emu.call("service/get_order", {"suite_access_token": token, "orderid": order.orderid})
    assert isinstance(got, dict)
    assert got["order"]["paid_corpid"] == corp_id
    assert errcode(emu, "service/get_order", {"suite_access_token": token, "orderid": "nope"}) == 40058
    listed = emu.call("service/get_order_list", {"suite_access_token": token, "start_time": 0,
                                                 "end_time": 2_000_000_000})
    assert isinstance(listed, dict)
    assert [o["orderid"] for o in listed["order_list"]] == [order.orderid]
    assert errcode(emu, "service/prolong_try", {"suite_access_token": token, "buyer_corpid": corp_id,
                                                "prolong_days": 0}) == 40058


def test_legacy_get_agent_checks_permanent_code_and_agentid(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id)
    company = emu.companies[corp_id]
    base = {"suite_access_token": suite_token(emu), "suite_id": emu.settings.suite_id, "auth_corpid": corp_id,
            "permanent_code": emu.permanent_code(corp_id)}
    answer = emu.call("service/get_agent", {**base, "agentid": company.agent_id})
    assert isinstance(answer, dict)
    assert answer["agentid"] == company.agent_id
    assert errcode(emu, "service/get_agent", {**base, "agentid": 1}) == 40056
    assert errcode(emu, "service/get_agent", {**base, "permanent_code": "x", "agentid": company.agent_id}) == 40084
    assert errcode(emu, "service/set_agent", {**base, "agent": {"agentid": company.agent_id, "name": "n"}}) == 0


def test_reinstall_replaces_the_permanent_code(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id)
    first = emu.permanent_code(corp_id)
    emu.cancel_auth(corp_id)
    emu.install(corp_id)
    assert emu.permanent_code(corp_id) != first


def test_miniprogram_code_and_agent_permissions(emu: Emulator) -> None:
    corp_id = next(iter(emu.companies))
    emu.install(corp_id)
    token = suite_token(emu)
    code = emu.issue_oauth_code(corp_id, "wangwu")
    session = emu.call("service/miniprogram/jscode2session", {"suite_access_token": token, "js_code": code})
    assert isinstance(session, dict)
    assert session["userid"] == "wangwu"
    assert errcode(emu, "service/miniprogram/jscode2session", {"suite_access_token": token, "js_code": code}) == 40029
    corp = emu.call("service/get_corp_token", {"suite_access_token": token, "auth_corpid": corp_id,
                                               "permanent_code": emu.permanent_code(corp_id)})
    assert isinstance(corp, dict)
    perms = emu.call("agent/get_permissions", {"access_token": corp["access_token"]})
    assert isinstance(perms, dict)
    assert "contact:base" in perms["app_permissions"]


def test_non_ascii_credentials_are_just_wrong(emu: Emulator) -> None:
    s = emu.settings
    params = {"suite_id": s.suite_id, "suite_secret": "密钥", "suite_ticket": emu.issue_ticket()}
    assert errcode(emu, "service/get_suite_token", params) == 40080
    assert errcode(emu, "service/get_provider_token", {"corpid": s.provider_corp_id, "provider_secret": "密"}) == 40001


@settings(max_examples=60, deadline=None)
@given(wait=st.floats(min_value=0, max_value=1500, allow_nan=False), tries=st.integers(min_value=1, max_value=4))
def test_auth_code_accepted_once_and_only_within_600_seconds(wait: float, tries: int) -> None:
    clock = ManualClock(1_700_000_000)
    emu = Emulator(new_settings(), clock)
    corp_id = next(iter(emu.companies))
    code = emu.install(corp_id)
    clock.advance(wait)
    token = suite_token(emu)
    results = [errcode(emu, "service/get_permanent_code", {"suite_access_token": token, "auth_code": code})
               for _ in range(tries)]
    expected_first = 0 if wait < 600 else 40078
    assert results == [expected_first] + [40078] * (tries - 1)


@settings(max_examples=60, deadline=None)
@given(wait=st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_suite_token_valid_exactly_for_its_lifetime(wait: float) -> None:
    clock = ManualClock(1_700_000_000)
    emu = Emulator(new_settings(), clock)
    token = suite_token(emu)
    clock.advance(wait)
    assert errcode(emu, "service/get_pre_auth_code", {"suite_access_token": token}) == (0 if wait < 7200 else 42009)
