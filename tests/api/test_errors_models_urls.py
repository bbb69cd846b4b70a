"""Errors by kind with hints, models (aliases, unknown fields, redacted repr), install URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from wecom_suite.api import SuiteCalls, install_url, jsapi_signature, legacy_auth_code_url
from wecom_suite.api.models import (
    AgentInfo,
    AuthCorpInfo,
    AuthInfo,
    AuthInfoAgent,
    AuthInfoDepartment,
    AuthInfoEx,
    AuthUserInfo,
    CorpAccessTokenInfo,
    JsapiTicket,
    LoginInfo,
    PermanentCodeInfo,
    PreAuthCode,
    SetAgentParameters,
    UserInfo3rd,
)
from wecom_suite.errors import (
    ERRCODE_HINTS,
    AuthorizationRevoked,
    ConfigError,
    InvalidCredential,
    InvalidParameter,
    IPNotWhitelisted,
    NotAllowed,
    OneTimeCodeInvalid,
    RateLimited,
    SystemBusy,
    TokenExpired,
    WeComError,
    WeComSuiteError,
    error_for,
)

# Every errcode the client knows (docs/protocol.md §5), except 0.
REFERENCE_CODES = [
    -1, 6000, 40001, 40003, 40013, 40014, 40029, 40031, 40056, 40057, 40058, 40063, 40077, 40078, 40080, 40082,
    40083, 40084, 40085, 40086, 40091, 40093, 41001, 41002, 41004, 41025, 42001, 42007, 42009, 45009, 45033, 47001,
    48001, 48002, 48003, 48004, 48005, 50001, 50002, 50003, 60011, 60020, 84014, 84015, 84019, 84020, 84021, 84022,
    84023, 84024, 84025, 301002,
]


@pytest.mark.parametrize("errcode", REFERENCE_CODES)
def test_every_reference_errcode_has_a_hint_and_a_kind(errcode: int) -> None:
    assert ERRCODE_HINTS[errcode]
    error = error_for(errcode, "x")
    assert type(error) is not WeComError, f"{errcode} should map to a specific kind"
    assert error.hint == ERRCODE_HINTS[errcode]


@pytest.mark.parametrize(
    ("errcode", "kind"),
    [
        (42009, TokenExpired), (40082, TokenExpired), (42001, TokenExpired), (40014, TokenExpired),
        (40080, InvalidCredential), (40085, InvalidCredential), (40001, InvalidCredential),
        (40084, AuthorizationRevoked), (48004, AuthorizationRevoked),
        (45009, RateLimited), (45033, RateLimited), (-1, SystemBusy),
        (48002, NotAllowed), (60020, IPNotWhitelisted),
        (40078, OneTimeCodeInvalid), (40029, OneTimeCodeInvalid), (84014, OneTimeCodeInvalid),
        (40058, InvalidParameter),
    ],
)
def test_errors_by_kind(errcode: int, kind: type[WeComError]) -> None:
    error = error_for(errcode, "msg", api="service/x")
    assert isinstance(error, kind)
    assert isinstance(error, WeComSuiteError)
    assert error.errcode == errcode
    assert error.api == "service/x"


def test_unknown_errcode_points_at_the_lookup_page() -> None:
    error = error_for(123456, "weird")
    assert type(error) is WeComError
    assert "devtool/query?e=123456" in error.hint


def test_error_text_says_what_to_do_and_never_carries_a_token() -> None:
    leaked = "invalid access_token, url: /cgi-bin/x?access_token=SECRET-TOKEN-1234567890&a=b"
    error = error_for(40014, leaked, api="get_jsapi_ticket")
    text = f"{error} {error!r} {error.errmsg}"
    assert "SECRET-TOKEN-1234567890" not in text
    assert "hint:" in str(error)
    assert "get_jsapi_ticket" in str(error)


def test_ticket_hint_names_the_console_button() -> None:
    assert "刷新Ticket" in error_for(40085).hint


# -- models ----------------------------------------------------------------------------------------
PERMANENT = {
    "errcode": 0, "errmsg": "ok", "access_token": "CORP-TOKEN-abcdefghijkl", "expires_in": 7200,
    "permanent_code": "PERMANENT-CODE-abcdefghijkl",
    "dealer_corp_info": {"corpid": "wwdealer", "corp_name": "dealer"},
    "auth_corp_info": {"corpid": "wwcorp", "corp_name": "name", "corp_type": "verified", "corp_user_max": 50,
                       "subject_type": 1, "verified_end_time": 1431775834, "future_field": "kept"},
    "auth_info": {"agent": [{
        "agentid": 1, "name": "NAME", "appid": 1, "auth_mode": 1, "is_customized_app": False,
        "privilege": {"level": 1, "allow_party": [1, 2], "allow_user": ["zhangsan"], "extra_tag": [4]},
        "shared_from": {"corpid": "wwyyy", "share_type": 1},
    }]},
    "auth_user_info": {"userid": "aa", "open_userid": "xx", "name": "n", "avatar": "http://x"},
    "register_code_info": {"register_code": "1111", "template_id": "tpl111", "state": "state001"},
    "state": "state001",
    "edition_info": {"agent": [{"agentid": 1, "edition_id": "RLS65535", "edition_name": "旗舰版", "app_status": 3,
                                "user_limit": 200, "expired_time": 1541990791, "is_virtual_version": False}]},
}


def test_permanent_code_model_reads_the_reference_example() -> None:
    info = PermanentCodeInfo.model_validate(PERMANENT)
    assert info.corp_id == "wwcorp"
    assert info.auth_corp_info.model_extra == {"future_field": "kept"}
    agent = info.auth_info.agents[0]
    assert (agent.agent_id, agent.auth_mode, agent.privilege.allow_user) == (1, 1, ["zhangsan"])
    assert agent.shared_from is not None
    assert agent.shared_from.share_type == 1
    assert info.dealer_corp_info is not None
    assert info.dealer_corp_info.corp_id == "wwdealer"
    assert info.register_code_info is not None
    assert info.register_code_info.template_id == "tpl111"
    assert info.edition_info is not None
    assert info.edition_info.agents[0].edition_name == "旗舰版"
    assert info.auth_user_info.open_userid == "xx"
    assert not info.is_customized_app


def test_models_dump_back_to_wecom_names_with_unknown_fields() -> None:
    dumped = PermanentCodeInfo.model_validate(PERMANENT).model_dump(by_alias=True)
    assert dumped["auth_corp_info"]["corpid"] == "wwcorp"
    assert dumped["auth_corp_info"]["future_field"] == "kept"
    assert dumped["auth_info"]["agent"][0]["agentid"] == 1


def test_model_repr_redacts_secrets() -> None:
    info = PermanentCodeInfo.model_validate(PERMANENT)
    for text in (repr(info), str(info)):
        assert "PERMANENT-CODE-abcdefghijkl" not in text
        assert "CORP-TOKEN-abcdefghijkl" not in text
        assert "wwcorp" in text
    for model, secret in [
        (CorpAccessTokenInfo(access_token="TOKEN-123456789xyz"), "TOKEN-123456789xyz"),
        (JsapiTicket(ticket="TICKET-123456789xyz"), "TICKET-123456789xyz"),
        (PreAuthCode(pre_auth_code="PRE-123456789xyz"), "PRE-123456789xyz"),
        (UserInfo3rd(user_ticket="UT-123456789xyz"), "UT-123456789xyz"),
    ]:
        assert secret not in repr(model)


def test_seed_models_all_exist_with_snake_case_fields() -> None:
    corp = AuthCorpInfo.model_validate({"corpid": "ww", "corp_round_logo_url": "r", "corp_agent_max": 3})
    assert (corp.corp_id, corp.corp_agent_max) == ("ww", 3)
    info = AuthInfo.model_validate({"agent": [{"agentid": 5}], "department": [{"id": 2, "parentid": 1}]})
    assert isinstance(info.agents[0], AuthInfoAgent)
    assert isinstance(info.departments[0], AuthInfoDepartment)
    assert info.departments[0].parent_id == 1
    ex = AuthInfoEx.model_validate({"auth_corp_info": {"corpid": "ww"}})
    assert ex.auth_info.agents == []
    assert AuthUserInfo.model_validate({"userid": "u", "mobile": "1"}).mobile == "1"
    agent = AgentInfo.model_validate({
        "agentid": 1, "allow_userinfos": {"user": [{"userid": "id1", "status": 1}]},
        "allow_partys": {"partyid": [1]}, "allow_tags": {"tagid": [1, 2]}, "isreportuser": 1,
    })
    assert agent.allow_userinfos.users[0].user_id == "id1"
    assert agent.allow_partys.party_ids == [1]
    assert agent.is_report_user == 1


def test_set_agent_parameters_send_only_what_is_set() -> None:
    params = SetAgentParameters(agent_id=5, name="NAME", is_report_enter=0)
    assert params.to_json() == {"agentid": 5, "name": "NAME", "isreportenter": 0}


def test_login_info_model() -> None:
    info = LoginInfo.model_validate({
        "usertype": 4, "user_info": {"userid": "u", "open_userid": "o"}, "corp_info": {"corpid": "ww"},
        "agent": [{"agentid": 0, "auth_type": 1}], "auth_info": {"department": [{"id": 2, "writable": True}]},
    })
    assert info.user_type == 4
    assert info.corp_info.corp_id == "ww"
    assert info.auth_info.departments[0].writable is True


# -- configuration ---------------------------------------------------------------------------------
def test_config_errors_name_the_setting() -> None:
    with pytest.raises(ConfigError, match="suite_secret"):
        SuiteCalls("ww", "")
    with pytest.raises(ConfigError, match="provider_secret"):
        SuiteCalls("ww", "s", provider_corp_id="wwp")
    with pytest.raises(ConfigError, match="provider"):
        SuiteCalls("ww", "s").get_provider_token()
    with pytest.raises(ValueError, match="unknown license API"):
        SuiteCalls("ww", "s").license_api("no_such_thing")
    assert "SECRETVALUE123" not in repr(SuiteCalls("ww", "SECRETVALUE123"))


# -- install URLs ----------------------------------------------------------------------------------
def test_install_url_is_the_modern_install_page() -> None:
    url = install_url("wwsuite", "PRE", "https://provider.example/cb?x=1&y=2", "abc123")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "open.work.weixin.qq.com", "/3rdapp/install")
    assert parse_qs(parts.query) == {
        "suite_id": ["wwsuite"], "pre_auth_code": ["PRE"], "redirect_uri": ["https://provider.example/cb?x=1&y=2"],
        "state": ["abc123"],
    }
    assert install_url("s", "p", "https://r", base_url="http://127.0.0.1:9/").startswith(
        "http://127.0.0.1:9/3rdapp/install?"
    )


def test_legacy_auth_code_url_is_the_seeds_login_page() -> None:
    url = legacy_auth_code_url("tjsuite", "PRE", "https://r.example/x", "s1")
    assert url.startswith("https://qy.weixin.qq.com/cgi-bin/loginpage?suite_id=tjsuite&pre_auth_code=PRE&")
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == ["https://r.example/x"]


@pytest.mark.parametrize("state", ["has space", "x" * 129, "中文", "a&b"])
def test_install_url_rejects_a_state_wecom_would_refuse(state: str) -> None:
    with pytest.raises(ValueError, match="state"):
        install_url("s", "p", "https://r", state)


def test_jsapi_signature_matches_the_official_example() -> None:
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    expected = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    url = "http://mp.weixin.qq.com?params=value"
    assert jsapi_signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, url) == expected
    assert jsapi_signature(ticket, "Wm3WZYTPz0wzccnW", "1414587457", url + "#fragment") == expected
