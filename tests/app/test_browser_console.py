"""The operator console clicked through in a real headless Chromium: sign in, see a company, retry a dead letter."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.app.suite_world import World, WorldFactory
from wecom_suite.callback.context import CallbackContext
from wecom_suite.stores.records import ItemState

CONSOLE_TOKEN = "console-token-for-the-browser-test"
SHOTS = Path(tempfile.gettempdir()) / "wecom-suite-screenshots" / "console"  # to look at; never asserted on


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def world_with_a_dead_letter(make_world: WorldFactory) -> tuple[World, str, list[bool]]:
    """An installed company, whose change_contact handler failed until its callback became a dead letter."""
    world = make_world(console_token=CONSOLE_TOKEN)
    healthy = [False]

    @world.app.on("change_contact")
    def sync_member(ctx: CallbackContext) -> None:
        if not healthy[0]:
            raise RuntimeError("the CRM database is unreachable")

    world.sandbox.push_ticket()
    world.app.process_pending()
    corp_id = world.corp_id
    world.sandbox.notify_create_auth(world.sandbox.install(corp_id, push=False), "")
    world.app.process_pending()
    world.sandbox.change_contact(corp_id, "create_user", UserID="zhangsan", Name="张三")
    policy = world.app.worker.policy
    for _ in range(policy.max_attempts + 1):  # bounded: every round passes the longest backoff
        world.app.process_pending()
        world.clock.advance(policy.backoff.max_delay + 1)
    (dead,) = world.app.store.inbox.list_items(world.app.config.suite_id, state=ItemState.DEAD)
    world.sandbox.push_ticket()  # a fresh ticket, so the overview is all green but the dead letter
    world.app.process_pending()
    return world, dead.id, healthy


def test_sign_in_see_the_company_and_retry_a_dead_letter(make_world: WorldFactory, chromium: Any) -> None:
    world, dead_id, healthy = world_with_a_dead_letter(make_world)
    corp_id = world.corp_id
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(world.url("/console"))
        page.fill("#token", "not-the-token-at-all")
        page.click("#signin")
        assert "Wrong console token" in page.text_content("#error")
        shot(page, "wrong-token")
        page.fill("#token", CONSOLE_TOKEN)
        page.click("#signin")
        page.wait_for_selector("#signout")
        shot(page, "overview")
        cookie = next(c for c in context.cookies() if c["name"] == "wecom-console")
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/wecom/console")
        row = page.locator(f"tr.company[data-corp-id='{corp_id}']")
        assert "已安装 active" in row.text_content()
        assert "标准版" in row.text_content()
        assert page.text_content("#dead-count") == "1"
        assert "the CRM database is unreachable" in page.locator(f"tr[data-item-id='{dead_id}']").text_content()
        assert "change_contact" in page.text_content("#recent")
        healthy[0] = True
        page.click(f"#retry-{dead_id[:12]}")
        page.wait_for_selector("#flash")
        assert "is back in the inbox" in page.text_content("#flash")
        assert page.text_content("#dead-count") == "0"
        world.app.process_pending()
        page.reload()
        assert page.text_content("#pending-count") == "0"
        found = world.app.store.inbox.get_item(dead_id)
        assert found is not None
        assert found.state is ItemState.DONE
        shot(page, "after-retry")
    finally:
        context.close()
