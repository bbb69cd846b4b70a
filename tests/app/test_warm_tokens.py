"""``SuiteApp(warm_tokens=True)``: the background refresher (the seed's token daemon) keeps the suite token
and every active company's token fresh, so that requests rarely wait on WeCom."""

from __future__ import annotations

from tests.app.suite_world import WorldFactory
from wecom_suite.app.suite_app import SuiteApp


def test_refresher_keeps_suite_and_company_tokens_warm(make_world: WorldFactory) -> None:
    world = make_world()
    sandbox, store, clock = world.sandbox, world.app.store, world.clock
    assert sandbox.push_ticket() is not None
    sandbox.install()  # pushes create_auth to the service
    assert world.app.process_pending() >= 2
    suite_id, corp_id = world.app.config.suite_id, world.corp_id
    assert store.companies.get_company(suite_id, corp_id) is not None

    warm = SuiteApp(world.app.config, store=store, clock=clock, start_worker=False, warm_tokens=True)
    try:
        assert warm.refresher is not None
        managers = warm.warm_token_managers()
        assert [m.key for m in managers] == [warm.client.suite_token.key, warm.client.corp_token(corp_id).key]

        # First pass: both tokens are missing, so both are fetched, once each.
        next_due = warm.refresher.run_once()
        assert sandbox.counters["service/get_suite_token"] == 1
        assert sandbox.counters["service/get_corp_token"] == 1
        assert next_due > clock.now()

        # Nothing is due yet: a second pass asks WeCom for nothing.
        warm.refresher.run_once()
        assert sandbox.counters["service/get_suite_token"] == 1
        assert sandbox.counters["service/get_corp_token"] == 1

        # Past the early-refresh point (but before expiry) both are refreshed ahead of any caller.
        # (each key has its own jitter, so go past the later of the two)
        latest_due = max(m.refresh_due_at() for m in managers)
        assert next_due <= min(m.refresh_due_at() for m in managers)  # (capped by the refresher's max sleep)
        sandbox.advance(latest_due - clock.now() + 1)
        sandbox.push_ticket()
        warm.process_pending()
        warm.refresher.run_once()
        assert sandbox.counters["service/get_suite_token"] == 2
        assert sandbox.counters["service/get_corp_token"] == 2
        # A caller now gets a cached token without a request.
        assert warm.client.corp_token(corp_id).token()
        assert sandbox.counters["service/get_corp_token"] == 2
    finally:
        warm.close()


def test_revoked_companies_are_not_kept_warm(make_world: WorldFactory) -> None:
    world = make_world()
    sandbox = world.sandbox
    sandbox.push_ticket()
    sandbox.install()
    world.app.process_pending()
    corp_id = world.corp_id
    sandbox.cancel_auth(corp_id)
    world.app.process_pending()
    warm = SuiteApp(world.app.config, store=world.app.store, clock=world.clock, start_worker=False, warm_tokens=True)
    try:
        assert [m.key for m in warm.warm_token_managers()] == [warm.client.suite_token.key]
    finally:
        warm.close()


def test_warm_tokens_is_off_by_default(make_world: WorldFactory) -> None:
    assert make_world().app.refresher is None
