"""The install flow clicked through in a real headless Chromium: /install, WeCom's consent page, success."""

from __future__ import annotations

from typing import Any

from tests.app.suite_world import World


def test_admin_installs_the_app_in_a_browser(world: World, chromium: Any) -> None:
    world.sandbox.push_ticket()
    assert world.app.process_pending() == 1
    corp = world.sandbox.company()
    context = chromium.new_context(locale="zh-CN")  # Accept-Language: zh-CN chooses the 简体中文 pages
    try:
        page = context.new_page()
        page.goto(world.url("/install"))
        assert "安装" in page.text_content("#title")
        page.click("#install")  # a link on our page, as WeCom's Referer check wants
        page.wait_for_selector("#authorize")
        assert page.url.startswith(world.sandbox.base_url + "/3rdapp/install")
        page.check(f"input[data-corp-id='{corp.corp_id}']")
        page.click("#authorize")
        page.wait_for_selector("#corp-id")
        assert page.url.startswith(world.url("/install/callback"))
        assert page.text_content("#corp-id") == corp.corp_id
        assert page.text_content("#corp-name") == corp.corp_name
        assert "安装成功" in page.text_content("#title")
        # Reloading the success page shows it again: the browser is on its receipt URL, not the used state.
        page.reload()
        assert "安装成功" in page.text_content("#title")
        assert page.text_content("#corp-id") == corp.corp_id
    finally:
        context.close()
    record = world.app.store.companies.get_company(world.app.config.suite_id, corp.corp_id)
    assert record is not None
    assert record.active
    assert world.app.process_pending() == 1  # the create_auth with the same auth_code: a no-op
    assert world.sandbox.counters["service/v2/get_permanent_code"] == 1
    assert world.app.corp(corp.corp_id).client.access_token()
