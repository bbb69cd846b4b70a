"""The sign-in and install URL builders against the official documentation's examples."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from wecom_suite.api.install_urls import install_url, legacy_auth_code_url
from wecom_suite.api.login_urls import oauth2_url, web_login_url

# https://developer.work.weixin.qq.com/document/path/96441 (same link shape as 91120): the example's
# redirect_uri, and the link the page shows for it (appid = the suite id for a third-party app).
EXAMPLE_REDIRECT = "http://api.3dept.com/cgi-bin/query?action=get"
EXAMPLE_OAUTH2 = (
    "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxCorpId"
    "&redirect_uri=http%3a%2f%2fapi.3dept.com%2fcgi-bin%2fquery%3faction%3dget"
    "&response_type=code&scope=snsapi_base&state=#wechat_redirect"
)


def test_oauth2_url_matches_the_official_example() -> None:
    url = oauth2_url("wxCorpId", EXAMPLE_REDIRECT)
    # The page percent-encodes in lower case, urlencode in upper case: the same URL to every server.
    assert unquote(url) == unquote(EXAMPLE_OAUTH2)
    assert url.lower() == EXAMPLE_OAUTH2.lower()
    assert url.endswith("#wechat_redirect")


def test_oauth2_url_parameters_in_the_documented_order() -> None:
    url = oauth2_url("ww1a2b3c", "https://app.example.com/wecom/login/callback", "abc123", scope="snsapi_privateinfo")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https", "open.weixin.qq.com", "/connect/oauth2/authorize", "wechat_redirect",
    )
    assert parse_qsl(parts.query, keep_blank_values=True) == [
        ("appid", "ww1a2b3c"),
        ("redirect_uri", "https://app.example.com/wecom/login/callback"),
        ("response_type", "code"),
        ("scope", "snsapi_privateinfo"),
        ("state", "abc123"),
    ]
    assert oauth2_url("ww1", "https://r.example/cb", base_url="http://127.0.0.1:9/").startswith(
        "http://127.0.0.1:9/connect/oauth2/authorize?appid=ww1&"
    )


def test_web_login_url_matches_the_documented_link() -> None:
    # https://developer.work.weixin.qq.com/document/path/98171: login_type, appid, redirect_uri, state (, lang)
    url = web_login_url("wwsuite", "https://app.example.com/cb?x=1", "STATE", lang="zh")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https", "login.work.weixin.qq.com", "/wwlogin/sso/login", "",
    )
    assert parse_qsl(parts.query) == [
        ("login_type", "ServiceApp"),
        ("appid", "wwsuite"),
        ("redirect_uri", "https://app.example.com/cb?x=1"),
        ("state", "STATE"),
        ("lang", "zh"),
    ]
    assert "lang=" not in web_login_url("wwsuite", "https://app.example.com/cb")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"state": "has space"}, "state must be"),
        ({"state": "x" * 129}, "129 bytes"),
        ({"state": "中文"}, "state must be"),
        ({"redirect_uri": ""}, "redirect_uri is required"),
        ({"redirect_uri": "/relative/path"}, "absolute http"),
        ({"redirect_uri": "javascript:alert(1)"}, "absolute http"),
        ({"redirect_uri": "https://app.example.com/cb#frag"}, "fragment"),
        ({"suite_id": ""}, "suite_id"),
        ({"suite_id": "ww&x=1"}, "suite_id"),
        ({"scope": "snsapi_userinfo"}, "scope must be one of"),
    ],
)
def test_oauth2_url_says_what_is_wrong(kwargs: dict[str, str], message: str) -> None:
    args = {"suite_id": "wwsuite", "redirect_uri": "https://app.example.com/cb", "state": "ok", **kwargs}
    scope = args.pop("scope", "snsapi_base")
    with pytest.raises(ValueError, match=message):
        oauth2_url(args["suite_id"], args["redirect_uri"], args["state"], scope=scope)


def test_web_login_url_checks_its_inputs() -> None:
    with pytest.raises(ValueError, match="lang"):
        web_login_url("wwsuite", "https://app.example.com/cb", lang="fr")
    with pytest.raises(ValueError, match="state"):
        web_login_url("wwsuite", "https://app.example.com/cb", "a-b")
    with pytest.raises(ValueError, match="redirect_uri"):
        web_login_url("wwsuite", "ftp://app.example.com/cb")


def test_install_urls_share_the_checks() -> None:
    # https://developer.work.weixin.qq.com/document/path/90597
    url = install_url("ww1", "PRE", "https://app.example.com/wecom/install/callback", "s1")
    assert url == (
        "https://open.work.weixin.qq.com/3rdapp/install?suite_id=ww1&pre_auth_code=PRE"
        "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fwecom%2Finstall%2Fcallback&state=s1"
    )
    with pytest.raises(ValueError, match="fragment"):
        install_url("ww1", "PRE", "https://app.example.com/cb#x")
    with pytest.raises(ValueError, match="state"):
        legacy_auth_code_url("tj1", "PRE", "https://app.example.com/cb", "a_b")
