"""SuiteConfig: every bad setting is named at start-up; secrets never printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wecom_suite.app import config as config_module
from wecom_suite.app.config import OTHER_VARIABLES, SuiteConfig, load_configs, reveal, unknown_variables
from wecom_suite.crypto import generate_encoding_aes_key
from wecom_suite.errors import ConfigError

KEY = generate_encoding_aes_key()
OLD_KEY = generate_encoding_aes_key()
SECRET = "s3cr3t-suite-secret-value-0123456789"


def valid(**overrides: str) -> dict[str, str]:
    values = {
        "suite_id": "ww1234567890abcdef",
        "suite_secret": SECRET,
        "token": "QDG6eK",
        "encoding_aes_key": KEY,
    }
    values.update(overrides)
    return values


def test_defaults_and_normalisation() -> None:
    config = SuiteConfig(**valid(url_prefix="wecom/", auth_type="TEST", api_base_url="http://127.0.0.1:9/"))
    assert config.url_prefix == "/wecom"
    assert config.auth_type == "test"
    assert config.api_base_url == "http://127.0.0.1:9"
    assert reveal(config.store_url) == "sqlite:///./wecom-suite.db"
    assert config.name == "ww1234567890abcdef"
    assert config.install_url_style == "modern"
    assert config.previous_encoding_aes_key is None


@pytest.mark.parametrize(
    ("overrides", "setting", "fragment"),
    [
        ({"encoding_aes_key": "a" * 42}, "encoding_aes_key", "exactly 43"),
        ({"encoding_aes_key": "!" * 43}, "encoding_aes_key", "letters, digits"),
        ({"previous_encoding_aes_key": "b" * 44}, "previous_encoding_aes_key", "exactly 43"),
        ({"suite_secret": ""}, "suite_secret", "required"),
        ({"token": "x" * 33}, "token", "1 to 32"),
        ({"token": "has space"}, "token", "1 to 32"),
        ({"suite_id": "ww 1"}, "suite_id", "letters"),
        ({"store_url": "mongodb://x"}, "store_url", "unsupported"),
        ({"cache_url": "mysql://x"}, "cache_url", "unsupported"),
        ({"inbox_workers": "0"}, "inbox_workers", "between 1 and 256"),
        ({"api_base_url": "ftp://x"}, "api_base_url", "http(s)"),
        ({"public_base_url": "suite.example.com"}, "public_base_url", "http(s)"),
        ({"auth_type": "2"}, "auth_type", "official"),
        ({"install_url_style": "old"}, "install_url_style", "modern"),
        ({"url_prefix": "/we com"}, "url_prefix", "path"),
        ({"provider_secret": "p"}, "provider_corp_id", "provider_secret"),
        ({"inbox_lease_seconds": "0.5"}, "inbox_lease_seconds", "between 1 and 3600"),
        ({"inbox_lease_seconds": "soon"}, "inbox_lease_seconds", "must be a number"),
    ],
)
def test_bad_settings_are_named(overrides: dict[str, str], setting: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        SuiteConfig(**valid(**overrides))
    assert info.value.setting == setting
    assert fragment in info.value.problem


def test_from_env_names_the_variable_and_kwargs_win() -> None:
    env = {
        "WECOM_SUITE_ID": "wwenv",
        "WECOM_SUITE_SECRET": SECRET,
        "WECOM_TOKEN": "tok",
        "WECOM_ENCODING_AES_KEY": KEY,
        "WECOM_PREVIOUS_ENCODING_AES_KEY": OLD_KEY,
        "WECOM_PROVIDER_CORP_ID": "wwprovider",
        "WECOM_STORE_URL": "memory://",
        "WECOM_AUTH_TYPE": "test",
        "WECOM_URL_PREFIX": "/suite",
    }
    config = SuiteConfig.from_env(env, url_prefix="/other")
    assert (config.suite_id, reveal(config.previous_encoding_aes_key), config.auth_type) == ("wwenv", OLD_KEY, "test")
    assert config.url_prefix == "/other"
    with pytest.raises(ConfigError) as info:
        SuiteConfig.from_env({**env, "WECOM_ENCODING_AES_KEY": "k" * 42})
    assert info.value.setting == "WECOM_ENCODING_AES_KEY"
    assert "42" in str(info.value)
    with pytest.raises(ConfigError) as missing:
        SuiteConfig.from_env({k: v for k, v in env.items() if k != "WECOM_TOKEN"})
    assert missing.value.setting == "WECOM_TOKEN"


def test_secrets_are_redacted_in_repr_and_describe() -> None:
    config = SuiteConfig(
        **valid(
            provider_corp_id="wwp", provider_secret="provider-secret-xyz-123", store_url="redis://:hunter2pass@h:1/0"
        )
    )
    printed = repr(config) + str(config) + str(config.describe())
    for secret in (SECRET, KEY, "QDG6eK", "provider-secret-xyz-123", "hunter2pass"):
        assert secret not in printed
    assert "ww1234567890abcdef" in printed


def test_toml_single_suite_with_env_interpolation(tmp_path: Path) -> None:
    path = tmp_path / "suite.toml"
    path.write_text(
        f'suite_id = "wwone"\nsuite_secret = "${{ONE_SECRET}}"\ntoken = "tok"\nencoding_aes_key = "{KEY}"\n'
        'store_url = "memory://"\n',
        encoding="utf-8",
    )
    (config,) = load_configs(path, env={"ONE_SECRET": SECRET})
    assert reveal(config.suite_secret) == SECRET
    with pytest.raises(ConfigError) as info:
        load_configs(path, env={})
    assert "ONE_SECRET" in info.value.problem


def test_toml_several_suites_share_defaults_and_get_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "suites.toml"
    path.write_text(
        f'token = "tok"\nencoding_aes_key = "{KEY}"\nstore_url = "memory://"\nurl_prefix = "/wx"\n'
        f'[[suite]]\nname = "crm"\nsuite_id = "wwcrm"\nsuite_secret = "a"\n'
        f'[[suite]]\nname = "hr"\nsuite_id = "wwhr"\nsuite_secret = "b"\nurl_prefix = "/people"\n',
        encoding="utf-8",
    )
    crm, hr = load_configs(path, env={})
    assert (crm.name, crm.url_prefix, reveal(crm.token)) == ("crm", "/wx/crm", "tok")
    assert (hr.name, hr.url_prefix) == ("hr", "/people")
    assert SuiteConfig.from_toml(path, suite="hr").suite_id == "wwhr"
    with pytest.raises(ConfigError, match="several suites"):
        SuiteConfig.from_toml(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('suite_id = "ww"\nsuite_secret = "a"\ntoken = "t"\nencoding_aes_key = "short"\n', "encoding_aes_key"),
        ('suite_id = "ww"\nsuit_secret = "a"\n', "suit_secret"),
        ("suite_id = = 1\n", "not valid TOML"),
        (
            f'token = "t"\nencoding_aes_key = "{KEY}"\n[[suite]]\nsuite_id = "a"\nsuite_secret = "x"\n'
            '[[suite]]\nsuite_id = "a"\nsuite_secret = "y"\n',
            "share",
        ),
    ],
)
def test_toml_errors_name_the_place(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_configs(path, env={})
    assert fragment in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_configs(tmp_path / "nope.toml")


def test_suite_app_keyword_arguments_are_validated_first() -> None:
    from wecom_suite.app import SuiteApp

    with pytest.raises(ConfigError) as info:
        SuiteApp(**valid(encoding_aes_key="x" * 42, store_url="memory://"))
    assert info.value.setting == "encoding_aes_key"
    app = SuiteApp(**valid(store_url="memory://"), start_worker=False)
    try:
        assert SECRET not in repr(app)
        assert app.config.suite_id in repr(app)
    finally:
        app.close()


# -- one error for every problem, one precedence, secrets as SecretStr ---------------------------------


def test_every_problem_is_reported_at_once_one_line_each() -> None:
    env = {"WECOM_TOKEN": "has space", "WECOM_ENCODING_AES_KEY": "k" * 42, "WECOM_STORE_URL": "mongodb://x"}
    with pytest.raises(ConfigError) as info:
        SuiteConfig.from_env(env, auth_type="2", inbox_lease_seconds="soon")
    error = info.value
    named = {p.setting for p in error.problems}
    assert named == {
        "WECOM_SUITE_ID",
        "WECOM_SUITE_SECRET",
        "WECOM_TOKEN",
        "WECOM_ENCODING_AES_KEY",
        "WECOM_STORE_URL",
        "auth_type",
        "inbox_lease_seconds",
    }
    lines = str(error).splitlines()
    assert len(lines) == 1 + len(named)
    assert lines[0] == "invalid configuration (7 problems):"
    assert any(line.strip().startswith("WECOM_ENCODING_AES_KEY: ") and "exactly 43" in line for line in lines)
    assert "k" * 42 not in str(error)  # values are never echoed for secrets
    assert error.setting in named  # the first problem, for code that reads one


def test_one_precedence_kwargs_over_env_over_toml_over_defaults(tmp_path: Path) -> None:
    path = tmp_path / "suite.toml"
    path.write_text(
        f'suite_id = "wwfile"\nsuite_secret = "file-secret"\ntoken = "filetok"\nencoding_aes_key = "{KEY}"\n'
        'store_url = "memory://"\nauth_type = "test"\nurl_prefix = "/file"\n',
        encoding="utf-8",
    )
    env = {"WECOM_TOKEN": "envtok", "WECOM_URL_PREFIX": "/env"}
    config = SuiteConfig.from_toml(path, env=env, url_prefix="/kwarg")
    assert config.suite_id == "wwfile"  # only the file sets it
    assert reveal(config.token) == "envtok"  # env over file
    assert config.url_prefix == "/kwarg"  # keyword argument over env and file
    assert config.install_url_style == "modern"  # the default, set nowhere
    assert config.auth_type == "test"
    with pytest.raises(ConfigError) as info:
        SuiteConfig.from_toml(path, env={"WECOM_TOKEN": "has space"})
    assert info.value.setting == "WECOM_TOKEN"  # named where the winning value came from
    with pytest.raises(ConfigError) as info:
        SuiteConfig.from_toml(path, env={}, token="has space")
    assert info.value.setting == "token"


def test_secrets_are_secretstr_in_every_dict_form() -> None:
    config = SuiteConfig(**valid(provider_corp_id="wwp", provider_secret="provider-secret-xyz-123"))
    for form in (config.model_dump(), dict(config), vars(config)):
        text = repr(form)
        for secret in (SECRET, KEY, "QDG6eK", "provider-secret-xyz-123"):
            assert secret not in text
    assert config.model_dump_json().count("**********") == 5  # the four secrets and the store URL
    assert reveal(config.provider_secret) == "provider-secret-xyz-123"
    assert reveal(None) is None


def test_keyword_settings_do_not_need_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECOM_URL_PREFIX", "/from-env")
    assert SuiteConfig(**valid()).url_prefix == "/from-env"  # the environment sits under keyword arguments
    assert SuiteConfig(**valid(url_prefix="/kw")).url_prefix == "/kw"


# -- SuiteApp: every option and setting from every entry point: tests/app/test_settings_everywhere.py ----


# -- WECOM_* variables nobody reads: named once, with the setting meant, never failing -----------------


def _env(**extra: str) -> dict[str, str]:
    return {
        "WECOM_SUITE_ID": "ww1234567890abcdef",
        "WECOM_SUITE_SECRET": SECRET,
        "WECOM_TOKEN": "QDG6eK",
        "WECOM_ENCODING_AES_KEY": KEY,
        **extra,
    }


def test_unknown_wecom_variables_are_warned_about_once_with_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(config_module, "_reported", set())  # "once" is per process: start afresh
    env = _env(WECOM_SUITE_SECRE="typo-value-0123456789", WECOM_STORE_ULR="redis://:pw@host/0",
               WECOM_OTHER_TOOL="their-value", wecom_token="lower-case-value", WECOM_LOG_FORMAT="json")
    with caplog.at_level("WARNING", logger="wecom_suite.config"):
        for _ in range(3):
            config = SuiteConfig.from_env(env)  # not an error: other tools may use the prefix
    assert config.suite_id == "ww1234567890abcdef"
    lines = [r.getMessage() for r in caplog.records if r.name == "wecom_suite.config"]
    assert sorted(lines) == [
        "environment variable WECOM_OTHER_TOOL is not a wecom-suite setting and is ignored",
        "environment variable WECOM_STORE_ULR is not a wecom-suite setting and is ignored; "
        "did you mean WECOM_STORE_URL?",
        "environment variable WECOM_SUITE_SECRE is not a wecom-suite setting and is ignored; "
        "did you mean WECOM_SUITE_SECRET?",
        "environment variable wecom_token is not a wecom-suite setting and is ignored; did you mean WECOM_TOKEN?",
    ]
    for value in (*env.values(), "pw"):  # names only, never a value
        assert not any(value in line for line in lines)


def test_unknown_variables_reads_the_process_environment_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(config_module, "_reported", set())
    monkeypatch.setenv("WECOM_INBOX_WORKER", "8")
    with caplog.at_level("WARNING", logger="wecom_suite.config"):
        SuiteConfig(**valid())
    assert any("WECOM_INBOX_WORKER " in r.getMessage() and "did you mean WECOM_INBOX_WORKERS?" in r.getMessage()
               for r in caplog.records)


def test_every_wecom_variable_the_code_reads_is_known() -> None:
    """A new ``"WECOM_..."`` name in src is a setting or listed in OTHER_VARIABLES, else it would be warned about."""
    src = Path(config_module.__file__).parents[1]
    named = {m for path in src.rglob("*.py") for m in re.findall(r"[\"'](WECOM_[A-Z0-9_]+)[\"']", path.read_text())}
    assert {"WECOM_SUITE_CONFIG", "WECOM_METRICS", "WECOM_TOKEN"} <= named
    assert unknown_variables(dict.fromkeys(named, "x")) == []
    assert unknown_variables(dict.fromkeys(OTHER_VARIABLES, "x")) == []
