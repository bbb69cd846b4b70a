"""The customer-facing pages: Jinja2 templates, 简体中文/English, provider overrides, no provider internals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.app.suite_world import World
from tests.html_pages import parse_page
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.install_receipt import RECEIPT_LIFETIME, make_receipt, read_receipt
from wecom_suite.app.pages import choose_language, error_page, install_page, success_page, use_template_folder
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.stores.records import CompanyRecord


@pytest.fixture
def provider_templates(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "templates"
    folder.mkdir()
    use_template_folder(folder)
    yield folder
    use_template_folder(None)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR,en;q=0.5,zh;q=0.4", "en"),
        ("fr-FR,de;q=0.5", "zh"),
        ("en;q=0.2,zh-TW;q=0.8", "zh"),
        ("en;q=0", "zh"),
    ],
)
def test_language_follows_accept_language_default_chinese(header: str | None, language: str) -> None:
    assert choose_language(header) == language


def test_install_page_without_a_suite_name_does_not_show_the_suite_id() -> None:
    url = "https://open.work.weixin.qq.com/3rdapp/install?suite_id=ww0123456789abcdef"
    for language, expected in (("zh", "安装应用"), ("en", "Install the app")):
        page = install_page(url, suite_name="ww0123456789abcdef", language=language).body.decode()
        assert expected in page
        assert "Install ww" not in page
        assert "安装ww" not in page
        assert parse_page(page).links["install"] == url
    named = install_page(url, suite_name="客户通", suite_id="ww0123456789abcdef", language="zh").body.decode()
    assert "安装客户通" in named


def test_values_are_escaped() -> None:
    page = success_page(corp_name="<script>alert(1)</script>", corp_id="wwx", suite_name="A&B", language="en")
    html = page.body.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "A&amp;B" in html


def test_error_page_shows_a_reference_not_the_details(caplog: pytest.LogCaptureFixture) -> None:
    detail = "WeCom answered error 40014: invalid suite_secret; check the suite's secret in the provider console"
    store = "redis://:***@redis.internal:6379/0"
    page = error_page("The install could not be completed", f"{detail} ({store})", hint="fix it", status=502)
    html = page.body.decode()
    reference = page.headers["x-wecom-reference"]
    assert page.status == 502
    assert reference in html
    for internal in ("suite_secret", "provider console", "redis", "40014", "fix it"):
        assert internal not in html
    logged = [r.getMessage() for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1
    assert detail in logged[0]
    assert "fix it" in logged[0]
    assert "应用服务商" in html  # 简体中文 by default


def test_a_provider_folder_shadows_one_template(provider_templates: Path) -> None:
    (provider_templates / "success.html").write_text(
        '{% extends "base.html" %}{% block body %}<h1 id="title">Welcome, {{ corp_name }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    page = success_page(corp_name="<Acme>", corp_id="wwx", suite_name="App").body.decode()
    assert '<h1 id="title">Welcome, &lt;Acme&gt;</h1>' in page  # theirs, still autoescaped
    assert "安装应用" in install_page("https://x.example/i", suite_name="").body.decode()  # the rest: defaults


def test_receipts_are_signed_and_expire() -> None:
    config = SuiteConfig(
        suite_id="wwreceipt", suite_secret="secret-one", token="t", encoding_aes_key=generate_encoding_aes_key()
    )
    other = SuiteConfig(
        suite_id="wwreceipt", suite_secret="secret-two", token="t", encoding_aes_key=generate_encoding_aes_key()
    )
    company = CompanyRecord("wwreceipt", "wwcorp", "permanent-code-not-in-the-receipt", corp_name="甲公司")
    token = make_receipt(config, company, now=1000.0)
    assert "permanent" not in token
    assert read_receipt(config, token, now=1000.0 + RECEIPT_LIFETIME) == ("wwcorp", "甲公司")
    assert read_receipt(config, token, now=1001.0 + RECEIPT_LIFETIME) is None  # expired
    assert read_receipt(other, token, now=1000.0) is None  # another secret: not ours
    body, _, mac = token.partition(".")
    assert read_receipt(config, body[:-2] + "xx." + mac, now=1000.0) is None  # tampered
    assert read_receipt(config, "garbage", now=1000.0) is None


def test_reloading_the_success_page_shows_it_again(world: World) -> None:
    world.sandbox.push_ticket()
    world.app.process_pending()
    with httpx.Client(timeout=10, trust_env=False, headers={"accept-language": "en"}) as http:
        start = http.get(world.url("/install"))
        link = parse_page(start.text).links["install"]
        consent = parse_page(http.get(link).text)
        authorised = http.post(
            world.sandbox.base_url + consent.action, data={**consent.fields, "corp_id": world.corp_id}
        )
        done = http.get(authorised.headers["location"], follow_redirects=True)
        assert done.status_code == 200
        assert "Installed" in done.text
        for _ in range(3):  # before: the second view said the link had expired
            again = http.get(done.url)
            assert again.status_code == 200
            assert "Installed" in again.text
            assert world.corp_id in again.text
        world.clock.advance(RECEIPT_LIFETIME + 1)
        late = http.get(done.url)
    assert late.status_code == 400
    assert "receipt" not in late.text
    assert world.sandbox.counters["service/v2/get_permanent_code"] == 1
