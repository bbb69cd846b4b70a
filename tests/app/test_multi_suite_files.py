"""A file of several ``[[suite]]`` tables: each suite sealed under its own keys in a shared store, one suite
chosen with keyword and environment settings for it alone, every clash reported at once, and one client
factory for the app and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from wecom_suite.app import SuiteApp, SuiteGroup
from wecom_suite.app.client_options import client_options
from wecom_suite.app.config import SuiteConfig, load_configs, open_configured_store
from wecom_suite.cli.inspect_commands import suite_client
from wecom_suite.clock import DEFAULT_CLOCK, ManualClock
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.errors import ConfigError
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import SuiteTicket

KEY = generate_encoding_aes_key()
KEY_A = "a" * 64
KEY_B = "b" * 64


def two_suites(tmp_path: Path, *, a_secret: str = '"secret-a"') -> Path:  # noqa: S107 - a TOML value
    """Suites a and b in one SQLite file, each with its own secret_key."""
    path = tmp_path / "two.toml"
    path.write_text(
        f'token = "tok"\nencoding_aes_key = "{KEY}"\nstore_url = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[[suite]]\nname = "a"\nsuite_id = "wwsuitea"\nsuite_secret = {a_secret}\nsecret_key = "{KEY_A}"\n'
        f'[[suite]]\nname = "b"\nsuite_id = "wwsuiteb"\nsuite_secret = "secret-b"\nsecret_key = "{KEY_B}"\n',
        encoding="utf-8",
    )
    return path


# -- 1. a shared store, each suite sealed under its own keys ----------------------------------------


def test_a_group_seals_each_suite_under_its_own_secret_key(tmp_path: Path) -> None:
    path = two_suites(tmp_path)
    clock = ManualClock(1_700_000_000.0)
    with SuiteGroup.from_toml(path, env={}, clock=clock, start_worker=False) as group:
        group.app("b").store.tickets.save_ticket(SuiteTicket("wwsuiteb", "ticket-of-b", clock.now()))
        group.app("a").store.tickets.save_ticket(SuiteTicket("wwsuitea", "ticket-of-a", clock.now()))
    for name, suite_id in (("b", "wwsuiteb"), ("a", "wwsuitea")):  # each opened alone, with its own keys only
        store = open_configured_store(SuiteConfig.from_toml(path, suite=name, env={}), clock)
        try:
            assert store.tickets.get_ticket(suite_id, allow_expired=True).ticket == f"ticket-of-{name}"
        finally:
            store.close()


def test_suites_with_equal_keys_still_share_one_store(tmp_path: Path) -> None:
    path = two_suites(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(KEY_B, KEY_A), encoding="utf-8")
    with SuiteGroup.from_toml(path, env={}, start_worker=False) as group:
        assert group.app("a").store is group.app("b").store


# -- 2. one suite chosen: keyword and environment settings for it alone --------------------------------


@pytest.mark.parametrize(("keyword", "value"), [("url_prefix", "/x"), ("name", "x"), ("suite_id", "wwx")])
def test_a_keyword_setting_applies_to_the_chosen_suite_only(tmp_path: Path, keyword: str, value: str) -> None:
    path = two_suites(tmp_path)
    app = SuiteApp.from_toml(path, suite="b", env={}, start_worker=False, **{keyword: value})  # type: ignore[misc]
    try:
        assert getattr(app.config, keyword) == value
        assert app.config.secret_keys == (KEY_B,)
    finally:
        app.close()
    with pytest.raises(ConfigError, match=f"{keyword}: {value!r} is shared by"):  # the group: every suite
        SuiteGroup.from_toml(path, env={}, start_worker=False, **{keyword: value})  # type: ignore[misc]


def test_an_environment_setting_applies_to_the_chosen_suite_only(tmp_path: Path) -> None:
    path = two_suites(tmp_path)
    config = SuiteConfig.from_toml(path, suite="b", env={"WECOM_URL_PREFIX": "/only"})
    assert (config.name, config.url_prefix) == ("b", "/only")
    with pytest.raises(ConfigError, match="url_prefix: '/only' is shared by"):
        load_configs(path, env={"WECOM_URL_PREFIX": "/only"})


def test_the_chosen_suite_needs_only_its_own_variables(tmp_path: Path) -> None:
    path = two_suites(tmp_path, a_secret='"${A_SECRET}"')
    config = SuiteConfig.from_toml(path, suite="wwsuiteb", env={})  # by suite id; A_SECRET is not set
    assert config.name == "b"
    assert config.url_prefix == "/wecom/b"  # still the prefix it has in the group
    with pytest.raises(ConfigError, match="A_SECRET"):
        SuiteConfig.from_toml(path, suite="a", env={})
    with pytest.raises(ConfigError, match="A_SECRET"):
        load_configs(path, env={})  # every suite: strict
    with pytest.raises(ConfigError, match=r"no suite named 'c'.*known: a, b"):
        SuiteConfig.from_toml(path, suite="c", env={})


def test_a_one_suite_file_is_chosen_by_its_id_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text(f'suite_secret = "s"\ntoken = "tok"\nencoding_aes_key = "{KEY}"\n', encoding="utf-8")
    assert SuiteConfig.from_toml(path, suite="wwenv", env={"WECOM_SUITE_ID": "wwenv"}).suite_id == "wwenv"
    with pytest.raises(ConfigError, match="no suite named 'other'"):
        SuiteConfig.from_toml(path, suite="other", env={"WECOM_SUITE_ID": "wwenv"})
    path.write_text(path.read_text(encoding="utf-8") + 'name = "crm"\nsuite_id = "wwcrm"\n', encoding="utf-8")
    assert SuiteConfig.from_toml(path, suite="crm", env={}, name="renamed").name == "renamed"  # chosen by the file


# -- 3. every clash at once, naming the tables ---------------------------------------------------------


def test_every_clash_is_reported_with_its_tables_and_the_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "clash.toml"
    path.write_text(
        f'token = "tok"\nencoding_aes_key = "{KEY}"\nstore_url = "memory://"\nsuite_secret = "s"\n'
        '[[suite]]\nname = "a"\nsuite_id = "ww1"\nurl_prefix = "/p"\n'
        '[[suite]]\nname = "a"\nsuite_id = "ww1"\nurl_prefix = "/p/"\n'
        '[[suite]]\nname = "c"\nsuite_id = "ww1"\nurl_prefix = "/p"\ntoken = "has space"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_configs(path, env={})
    problems = {p.setting: p.problem for p in info.value.problems}
    tables = [f"{path}: suite[{i}]" for i in (1, 2, 3)]
    assert problems == {
        "name": f"'a' is shared by {tables[0]} and {tables[1]}",
        "suite_id": f"'ww1' is shared by {' and '.join(tables)}",
        "url_prefix": f"'/p' is shared by {' and '.join(tables)}",  # suite[3] failed to build: named all the same
        f"{tables[2]}.token": problems[f"{tables[2]}.token"],
    }


def test_a_group_of_apps_reports_every_clash(tmp_path: Path) -> None:
    values = {"suite_secret": "s", "token": "tok", "encoding_aes_key": KEY, "store_url": "memory://"}
    apps = [
        SuiteApp(SuiteConfig(**values, suite_id=suite_id, name="same", url_prefix="/w"), start_worker=False)
        for suite_id in ("ww1", "ww2")
    ]
    try:
        with pytest.raises(ConfigError) as info:
            SuiteGroup(apps)
        assert {p.setting for p in info.value.problems} == {"name", "url_prefix"}
        assert "suite[1] (same) and suite[2] (same)" in str(info.value)
    finally:
        for app in apps:
            app.close()


# -- 4. one client factory ---------------------------------------------------------------------------


def test_the_cli_builds_the_client_the_app_builds(tmp_path: Path) -> None:
    # provider_corp_id alone (for system events): neither client may be given it without the secret.
    config = SuiteConfig(
        suite_id="wwfactory",
        suite_secret="s",
        token="tok",
        encoding_aes_key=KEY,
        provider_corp_id="wwprov",
        api_base_url="http://127.0.0.1:9",
        store_url="memory://",
    )
    store = MemoryStore()
    app = SuiteApp(config, store=store, start_worker=False)
    try:
        with suite_client(config, store) as client:
            assert repr(client) == repr(app.client)
            assert "provider_corp_id=None" in repr(client)
            assert client._core.clock is app.client._core.clock is DEFAULT_CLOCK
            assert client._core.store is store
        assert client_options(config, store) == app._client_options()
    finally:
        app.close()
