"""Every setting and every option reaches the app from every entry point.

``SuiteConfig``'s fields are the one source of truth: the ``WECOM_*`` names, the TOML keys, ``SETTINGS``
and the ``serve`` worker factory derive from them; ``SuiteSettings``, ``SuiteApp.__init__``'s keywords,
the factories' signatures and docs/configuration.md are checked against them here, so a field added to
``SuiteConfig`` alone fails these tests until it is reachable everywhere.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import Field

from wecom_suite.app import SuiteApp, SuiteGroup
from wecom_suite.app.config import SETTINGS, SuiteConfig, SuiteSettings, reveal
from wecom_suite.app.inbox_worker import DeliveryPolicy
from wecom_suite.app.options import AppOptions
from wecom_suite.clock import ManualClock
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.stores import MemoryStore
from wecom_suite.web.response import WebResponse

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
KEY, OLD_KEY = generate_encoding_aes_key(), generate_encoding_aes_key()

# A valid value for every setting, different from its default: a new field needs one here.
SAMPLES: dict[str, object] = {
    "suite_id": "wweverywhere00001",
    "suite_secret": "everywhere-suite-secret-0123456789",
    "token": "tok3n",
    "encoding_aes_key": KEY,
    "previous_encoding_aes_key": OLD_KEY,
    "provider_corp_id": "wwprovider0001",
    "provider_secret": "provider-secret-0123456789",
    "store_url": "memory://",
    "cache_url": "memory://",
    "api_base_url": "http://127.0.0.1:9",
    "auth_type": "test",
    "install_base_url": "http://127.0.0.1:9/install",
    "install_url_style": "legacy",
    "public_base_url": "https://suite.example.com",
    "success_redirect_url": "https://suite.example.com/installed",
    "login_redirect_url": "https://suite.example.com/signed-in",
    "allowed_return_urls": "https://suite.example.com/app",
    "login_mode": "web",
    "login_scope": "snsapi_privateinfo",
    "login_base_url": "http://127.0.0.1:9/login",
    "secret_key": "k" * 32,
    "console_token": "console-token-0123456789",
    "url_prefix": "/everywhere",
    "name": "everywhere",
    "inbox_lease_seconds": 30.0,
    "inbox_workers": 2,
    "inbox_max_attempts": 3,
    "inbox_dedup_days": 2.0,
    "warm_tokens": True,
    "reply_deadline": 1.5,
}


def env_name(name: str) -> str:
    return "WECOM_SUITE_NAME" if name == "name" else f"WECOM_{name.upper()}"


def as_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def as_toml(values: dict[str, object]) -> str:
    def one(value: object) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        return str(value) if isinstance(value, (int, float)) else f'"{value}"'

    return "".join(f"{k} = {one(v)}\n" for k, v in values.items())


def keyword_only(function: Callable[..., Any]) -> set[str]:
    return {p.name for p in inspect.signature(function).parameters.values() if p.kind is p.KEYWORD_ONLY}


def unreachable(config_class: type[SuiteConfig]) -> list[str]:
    """Every place a field of ``config_class`` is missing from (empty: reachable everywhere)."""
    fields = set(config_class.model_fields)
    objects = set(AppOptions.__optional_keys__) | {"store"}
    documented = set(re.findall(r"^\| `(\w+)` \| `(WECOM_\w+)` \|", DOCS.read_text(encoding="utf-8"), re.M))
    places: dict[str, set[str]] = {
        "SETTINGS": {s.name for s in SETTINGS if s.env == env_name(s.name)},
        "SuiteSettings": set(SuiteSettings.__optional_keys__),
        "SuiteApp.__init__": keyword_only(SuiteApp.__init__) - objects,
        "SuiteApp.from_env": keyword_only(SuiteApp.from_env) - objects,
        "SuiteApp.from_toml": keyword_only(SuiteApp.from_toml) - objects - {"suite", "env"},
        "SuiteGroup.from_toml": keyword_only(SuiteGroup.from_toml) - objects - {"env"},
        "docs/configuration.md": {name for name, env in documented if env == env_name(name)},
    }
    return [f"{field} not in {place}" for place, names in places.items() for field in sorted(fields ^ names)]


def test_every_field_of_suite_config_is_reachable_everywhere() -> None:
    assert unreachable(SuiteConfig) == []
    assert set(SAMPLES) == set(SuiteConfig.model_fields)  # a new field needs a sample (and is tested below)


def test_a_field_added_only_to_suite_config_is_caught() -> None:
    class Extended(SuiteConfig):
        brand_new: str = Field("", description="added in one place only")

    missing = unreachable(Extended)
    for place in ("SETTINGS", "SuiteSettings", "SuiteApp.__init__", "SuiteApp.from_env", "docs/configuration.md"):
        assert f"brand_new not in {place}" in missing


def test_the_objects_are_keyword_only_in_every_python_entry_point() -> None:
    objects = set(AppOptions.__optional_keys__)
    assert objects | {"store"} <= keyword_only(SuiteApp.__init__)
    for entry in (SuiteApp.from_env, SuiteApp.from_toml):
        assert objects | {"store"} <= keyword_only(entry), entry.__name__
    for entry in (SuiteGroup.from_configs, SuiteGroup.from_toml):  # the group opens and shares the stores
        assert objects <= keyword_only(entry), entry.__name__
        assert "store" not in keyword_only(entry), entry.__name__


# -- every setting, through every entry point --------------------------------------------------------


def from_create_asgi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SuiteApp:
    """``serve``'s worker factory, reading the settings from the environment as a worker process does."""
    from wecom_suite.cli.asgi_factory import create_asgi

    for key in [k for k in __import__("os").environ if k.startswith("WECOM_")]:
        monkeypatch.delenv(key)
    for name, value in SAMPLES.items():
        monkeypatch.setenv(env_name(name), as_text(value))
    asgi = create_asgi()
    group = asgi.handler
    assert isinstance(group, SuiteGroup)
    (app,) = group.apps
    group.stop()  # create_asgi starts the workers and the refresher, as serve needs; nothing to do here
    return app


@pytest.fixture
def apps_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], SuiteApp]]]:
    toml = tmp_path / "suite.toml"
    toml.write_text(as_toml(SAMPLES), encoding="utf-8")
    env = {env_name(k): as_text(v) for k, v in SAMPLES.items()}
    made: list[Any] = []

    def keep(thing: Any) -> Any:
        made.append(thing)
        return thing

    yield {
        "SuiteApp(...)": lambda: keep(SuiteApp(**SAMPLES, start_worker=False)),  # type: ignore[arg-type]
        "SuiteApp.from_env(env)": lambda: keep(SuiteApp.from_env(env, start_worker=False)),
        "SuiteApp.from_toml(file)": lambda: keep(SuiteApp.from_toml(toml, env={}, start_worker=False)),
        "SuiteGroup.from_toml(file)": lambda: keep(SuiteGroup.from_toml(toml, env={}, start_worker=False)).apps[0],
        "SuiteGroup.from_toml(env=...)": lambda: keep(
            SuiteGroup.from_toml(_only_required(tmp_path), env=env, start_worker=False)
        ).apps[0],
        "wecom-suite serve (create_asgi)": lambda: keep(from_create_asgi(monkeypatch, tmp_path)),
    }
    for thing in made:
        thing.close()


def _only_required(tmp_path: Path) -> Path:
    path = tmp_path / "bare.toml"
    path.write_text('suite_id = "wwbare"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "entry",
    [
        "SuiteApp(...)",
        "SuiteApp.from_env(env)",
        "SuiteApp.from_toml(file)",
        "SuiteGroup.from_toml(file)",
        "SuiteGroup.from_toml(env=...)",
        "wecom-suite serve (create_asgi)",
    ],
)
def test_every_setting_reaches_the_app(apps_from: dict[str, Callable[[], SuiteApp]], entry: str) -> None:
    app = apps_from[entry]()
    got = {
        name: reveal(value) if hasattr(value, "get_secret_value") else value for name, value in vars(app.config).items()
    }
    assert {name: got[name] for name in SAMPLES} == SAMPLES
    assert app.refresher is not None  # warm_tokens took effect
    assert app.reply_deadline == SAMPLES["reply_deadline"]
    assert app.worker.policy.workers == SAMPLES["inbox_workers"]


# -- every object, through every Python entry point ----------------------------------------------------


def _object_values() -> dict[str, object]:
    return {
        "store": MemoryStore(),
        "clock": ManualClock(1_700_000_000),
        "transport": httpx.HTTPTransport(),
        "async_transport": httpx.AsyncHTTPTransport(),
        "start_worker": False,
        "interceptor": lambda request: WebResponse.text("intercepted", 418),
        "error_handler": lambda request, exc: None,
        "delivery": DeliveryPolicy(workers=2, max_attempts=3),
    }


def _took(app: SuiteApp, option: str, value: object) -> bool:
    """Whether ``app`` shows the effect of ``option=value``."""
    effects: dict[str, Callable[[], bool]] = {
        "store": lambda: app.store is value,
        "clock": lambda: app.clock is value,
        "transport": lambda: app.client._http._transport is value,  # type: ignore[attr-defined]
        "async_transport": lambda: app._async_transport is value,
        "start_worker": lambda: not app._auto_start,
        "interceptor": lambda: app.interceptor is value,
        "error_handler": lambda: app.error_handler is value,
        "delivery": lambda: app.worker.policy is value,
    }
    return effects[option]()


def test_every_object_is_taken_by_every_python_entry_point(tmp_path: Path) -> None:
    assert set(_object_values()) == set(AppOptions.__optional_keys__) | {"store"}  # a new one needs a value here
    required = {k: SAMPLES[k] for k in ("suite_id", "suite_secret", "token", "encoding_aes_key")}
    path = tmp_path / "suite.toml"
    path.write_text(as_toml({**required, "store_url": "memory://"}), encoding="utf-8")
    env = {env_name(k): as_text(v) for k, v in required.items()} | {"WECOM_STORE_URL": "memory://"}
    entries: dict[str, Callable[..., Any]] = {
        "SuiteApp(...)": lambda **o: SuiteApp(**required, store_url="memory://", **o),  # type: ignore[arg-type]
        "SuiteApp.from_env": lambda **o: SuiteApp.from_env(env, **o),
        "SuiteApp.from_toml": lambda **o: SuiteApp.from_toml(path, env={}, **o),
        "SuiteGroup.from_configs": lambda **o: SuiteGroup.from_configs([SuiteApp.from_toml(path, env={}).config], **o),
        "SuiteGroup.from_toml": lambda **o: SuiteGroup.from_toml(path, env={}, **o),
    }
    for where, make in entries.items():
        for option, value in _object_values().items():
            if where.startswith("SuiteGroup") and option == "store":
                continue
            made = make(**{"start_worker": False, option: value})
            app = made.apps[0] if isinstance(made, SuiteGroup) else made
            try:
                assert _took(app, option, value), f"{where} ignored {option}"
            finally:
                made.close()


# -- None means "not given" at every entry point -------------------------------------------------------


def test_none_means_not_given_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    required = {k: str(SAMPLES[k]) for k in ("suite_id", "suite_secret", "token", "encoding_aes_key")}
    env = {env_name(k): v for k, v in required.items()} | {"WECOM_STORE_URL": "memory://"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "suite.toml"
    path.write_text(as_toml(required), encoding="utf-8")
    made = [
        SuiteApp(token=None, public_base_url=None, start_worker=False),
        SuiteApp.from_env(env, token=None, public_base_url=None, start_worker=False),
        SuiteApp.from_toml(path, token=None, public_base_url=None, start_worker=False),
        SuiteGroup.from_toml(path, token=None, public_base_url=None, start_worker=False).apps[0],
    ]
    configs = [SuiteConfig(token=None, public_base_url=None), *(app.config for app in made)]
    try:
        assert [reveal(c.token) for c in configs] == [required["token"]] * 5
        assert [c.public_base_url for c in configs] == [None] * 5
        kept = SuiteApp(made[0].config, token=None, inbox_workers=None, start_worker=False)
        made.append(kept)
        assert reveal(kept.config.token) == required["token"]
        assert kept.config.inbox_workers == 4
    finally:
        for app in made:
            app.close()
