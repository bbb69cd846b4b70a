"""Suite configuration from keyword arguments, environment variables or a TOML file.

Everything is checked when the configuration is built, so a wrong setting stops the service at
start-up with a message naming it (``WECOM_ENCODING_AES_KEY: must be exactly 43 characters``)
instead of failing on the first callback hours later.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..crypto import decode_encoding_aes_key
from ..errors import ConfigError
from ..redaction import redact

if sys.version_info >= (3, 11):  # pragma: no cover - version switch
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "DEFAULT_STORE_URL",
    "SETTINGS",
    "Setting",
    "SuiteConfig",
    "load_configs",
]

DEFAULT_STORE_URL = "sqlite:///./wecom-suite.db"
DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com"
DEFAULT_INSTALL_BASE_URL = "https://open.work.weixin.qq.com"
DEFAULT_URL_PREFIX = "/wecom"

_ID_RE = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,32}")  # documented as letters/digits; any printable ASCII signs fine
_NAME_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_PREFIX_RE = re.compile(r"(/[A-Za-z0-9_\-.~]+)*")
_ENV_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STORE_SCHEMES = ("memory", "sqlite", "redis", "rediss", "unix")


@dataclass(frozen=True, slots=True)
class Setting:
    """One documented setting: its field name, environment variable, and whether it is a secret."""

    name: str
    env: str
    secret: bool
    required: bool
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("suite_id", "WECOM_SUITE_ID", False, True, "the app's SuiteID (第三方应用ID), ww… / tj… / dk…"),
    Setting("suite_secret", "WECOM_SUITE_SECRET", True, True, "the app's Secret (第三方应用Secret)"),
    Setting("token", "WECOM_TOKEN", True, True, "callback Token (回调Token): at most 32 characters, no spaces"),
    Setting("encoding_aes_key", "WECOM_ENCODING_AES_KEY", True, True, "callback EncodingAESKey: 43 characters"),
    Setting(
        "previous_encoding_aes_key",
        "WECOM_PREVIOUS_ENCODING_AES_KEY",
        True,
        False,
        "the EncodingAESKey before the last change, still accepted while WeCom switches over",
    ),
    Setting(
        "provider_corp_id",
        "WECOM_PROVIDER_CORP_ID",
        False,
        False,
        "the provider's own CorpID (服务商CorpID); the receive id of GET URL verification",
    ),
    Setting("provider_secret", "WECOM_PROVIDER_SECRET", True, False, "the provider Secret (ProviderSecret)"),
    Setting("store_url", "WECOM_STORE_URL", True, False, "memory://, sqlite:///path.db or redis://host:port/db"),
    Setting("api_base_url", "WECOM_API_BASE_URL", False, False, "where the WeCom server APIs live"),
    Setting("auth_type", "WECOM_AUTH_TYPE", False, False, "install authorisation type: official (0) or test (1)"),
    Setting(
        "install_base_url", "WECOM_INSTALL_BASE_URL", False, False, "where WeCom's install page (3rdapp/install) lives"
    ),
    Setting("install_url_style", "WECOM_INSTALL_URL_STYLE", False, False, "modern (3rdapp/install) or legacy"),
    Setting(
        "public_base_url",
        "WECOM_PUBLIC_BASE_URL",
        False,
        False,
        "this service as the internet sees it (https://suite.example.com); default: the request's Host",
    ),
    Setting(
        "success_redirect_url",
        "WECOM_SUCCESS_REDIRECT_URL",
        False,
        False,
        "after an install, redirect here (with ?corp_id=…) instead of showing the success page",
    ),
    Setting("url_prefix", "WECOM_URL_PREFIX", False, False, "path prefix of the callback and install endpoints"),
    Setting("name", "WECOM_SUITE_NAME", False, False, "a short name for this suite (logs, CLI --suite)"),
    Setting(
        "inbox_lease_seconds",
        "WECOM_INBOX_LEASE_SECONDS",
        False,
        False,
        "how long a worker holds a callback it processes before another worker may take it over",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class SuiteConfig:
    """The settings of one suite (第三方应用). Validated on construction; secrets redacted in ``repr``."""

    suite_id: str
    suite_secret: str
    token: str
    encoding_aes_key: str
    previous_encoding_aes_key: str | None = None
    provider_corp_id: str = ""
    provider_secret: str | None = None
    store_url: str = DEFAULT_STORE_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    auth_type: str = "official"
    install_base_url: str = DEFAULT_INSTALL_BASE_URL
    install_url_style: str = "modern"
    public_base_url: str | None = None
    success_redirect_url: str | None = None
    url_prefix: str = DEFAULT_URL_PREFIX
    name: str = ""
    inbox_lease_seconds: float = 60.0

    def __post_init__(self) -> None:
        lease = self.inbox_lease_seconds
        try:
            lease = float(lease)
        except (TypeError, ValueError):
            raise ConfigError("inbox_lease_seconds", f"must be a number of seconds, got {lease!r}") from None
        if not 1.0 <= lease <= 3600.0:
            raise ConfigError("inbox_lease_seconds", f"must be between 1 and 3600 seconds, got {lease:g}")
        object.__setattr__(self, "inbox_lease_seconds", lease)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "inbox_lease_seconds":
                continue
            if value is not None and not isinstance(value, str):
                raise ConfigError(f.name, f"must be a string, got {type(value).__name__}")
        for setting in SETTINGS:
            if setting.required and not getattr(self, setting.name):
                raise ConfigError(setting.name, "is required", hint=f"set it, e.g. with {setting.env}")
        if not _ID_RE.fullmatch(self.suite_id):
            raise ConfigError("suite_id", "may contain only letters, digits, '-' and '_'")
        if not _TOKEN_RE.fullmatch(self.token):
            raise ConfigError(
                "token",
                f"must be 1 to 32 printable characters without spaces (got {len(self.token)} characters)",
                hint="copy the Token from the provider console, or make one with `wecom-suite keygen`",
            )
        for key_name in ("encoding_aes_key", "previous_encoding_aes_key"):
            key = getattr(self, key_name)
            if key is None or (key_name == "previous_encoding_aes_key" and key == ""):
                continue
            try:
                decode_encoding_aes_key(key)
            except ValueError as exc:
                raise ConfigError(
                    key_name,
                    str(exc),
                    hint="copy the EncodingAESKey from the provider console, or make one with `wecom-suite keygen`",
                ) from None
        if self.previous_encoding_aes_key == "":
            object.__setattr__(self, "previous_encoding_aes_key", None)
        if self.provider_secret == "":
            object.__setattr__(self, "provider_secret", None)
        if self.provider_corp_id and not _ID_RE.fullmatch(self.provider_corp_id):
            raise ConfigError("provider_corp_id", "may contain only letters, digits, '-' and '_'")
        if self.provider_secret and not self.provider_corp_id:
            raise ConfigError("provider_corp_id", "is required when provider_secret is set")
        scheme = self.store_url.split(":", 1)[0].lower()
        if "://" not in self.store_url or scheme not in _STORE_SCHEMES:
            raise ConfigError(
                "store_url",
                f"{scheme!r} needs '://' after it" if scheme in _STORE_SCHEMES else f"unsupported scheme {scheme!r}",
                hint=_store_url_hint(scheme),
            )
        for url_name in ("api_base_url", "install_base_url", "public_base_url", "success_redirect_url"):
            url = getattr(self, url_name)
            if url is None or (url == "" and url_name in ("public_base_url", "success_redirect_url")):
                object.__setattr__(self, url_name, None)
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(url_name, f"must be an http(s) URL with a host, got {url!r}")
            if url_name != "success_redirect_url":
                object.__setattr__(self, url_name, url.rstrip("/"))
        auth_type = self.auth_type.strip().lower()
        if auth_type not in ("official", "test"):
            raise ConfigError(
                "auth_type",
                f"must be 'official' or 'test', got {self.auth_type!r}",
                hint="'test' (测试授权) lets an app that is not online yet be installed",
            )
        object.__setattr__(self, "auth_type", auth_type)
        style = self.install_url_style.strip().lower()
        if style not in ("modern", "legacy"):
            raise ConfigError("install_url_style", f"must be 'modern' or 'legacy', got {self.install_url_style!r}")
        object.__setattr__(self, "install_url_style", style)
        prefix = self.url_prefix.rstrip("/")
        if prefix and not prefix.startswith("/"):
            prefix = "/" + prefix
        if not _PREFIX_RE.fullmatch(prefix):
            raise ConfigError("url_prefix", f"must be a path like /wecom, got {self.url_prefix!r}")
        object.__setattr__(self, "url_prefix", prefix)
        if not self.name:
            object.__setattr__(self, "name", self.suite_id)
        elif not _NAME_RE.fullmatch(self.name):
            raise ConfigError("name", "may contain only letters, digits, '-' and '_'")

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SuiteConfig:
        """Read ``WECOM_*`` variables; keyword arguments win over the environment."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.env in env and env[setting.env] != "":
                values[setting.name] = env[setting.env]
        values.update({k: v for k, v in overrides.items() if v is not None})

        def label(name: str) -> str:
            return name if name in overrides or name not in _BY_NAME else _BY_NAME[name].env

        return cls.from_mapping(values, label=label)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, label: Callable[[str], str] = str) -> SuiteConfig:
        """Build from a mapping; every error names the setting as ``label(name)`` (env var, file key...)."""
        _reject_unknown(values, label)
        for setting in SETTINGS:
            if setting.required and not values.get(setting.name):
                raise ConfigError(label(setting.name), "is required", hint=f"set it, e.g. with {setting.env}")
        try:
            return cls(**values)
        except ConfigError as exc:
            raise ConfigError(label(exc.setting), exc.problem, hint=exc.hint or None) from None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], *, suite: str | None = None) -> SuiteConfig:
        """The one suite of a TOML file, or the one named ``suite`` when the file has several."""
        configs = load_configs(path)
        if suite is None:
            if len(configs) > 1:
                names = ", ".join(c.name for c in configs)
                raise ConfigError("suite", f"{path} defines several suites ({names})", hint="choose one by name")
            return configs[0]
        for config in configs:
            if suite in (config.name, config.suite_id):
                return config
        raise ConfigError("suite", f"no suite named {suite!r} in {path}")

    # -- presentation -------------------------------------------------------------------------------

    def describe(self) -> list[tuple[str, str]]:
        """(setting, printable value) pairs with every secret redacted, for ``wecom-suite serve``."""
        rows = []
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            if value is None or (value == "" and setting.name != "url_prefix"):
                shown = "(not set)"
            elif value == "":
                shown = "(none)"
            elif setting.name == "store_url":
                shown = redact_store_url(value)
            elif setting.secret:
                shown = redact(value)
            else:
                shown = str(value)
            rows.append((setting.name, shown))
        return rows

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self.describe() if value != "(not set)")
        return f"SuiteConfig({inner})"

    __str__ = __repr__


def _store_url_hint(scheme: str) -> str:
    """The right form of a store URL, for the scheme the user meant."""
    if scheme == "sqlite":
        return "write sqlite:///./relative.db (from the working directory) or sqlite:///var/lib/wecom-suite.db"
    if scheme in ("redis", "rediss", "unix"):
        return f"write {scheme}://host:6379/0"
    return "use memory://, sqlite:///path/to/file.db or redis://host:6379/0"


def redact_store_url(url: str) -> str:
    """Hide a password in ``redis://user:password@host`` (other store URLs carry no secret)."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", f":{redact(parts.password)}@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _reject_unknown(values: Mapping[str, Any], label: Any) -> None:
    for key in values:
        if key not in _BY_NAME:
            known = ", ".join(sorted(_BY_NAME))
            raise ConfigError(label(key), "unknown setting", hint=f"known settings: {known}")


def _interpolate(value: Any, where: str, env: Mapping[str, str]) -> Any:
    """``"${CRM_SUITE_SECRET}"`` in a TOML value is read from the environment (keeps secrets out of files)."""
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError(where, f"refers to environment variable {name}, which is not set")
        return env[name]

    return _ENV_REF_RE.sub(substitute, value)


def load_configs(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> list[SuiteConfig]:
    """Every suite of a TOML file.

    Top-level keys are shared by all suites; each ``[[suite]]`` table adds or overrides keys. With
    no ``[[suite]]`` table the top level is the one suite. With several suites, a suite that sets no
    ``url_prefix`` of its own is served under ``<top-level url_prefix>/<name>``.
    """
    env = os.environ if env is None else env
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("config file", f"{file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("config file", f"cannot read {file}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config file", f"{file} is not valid TOML: {exc}") from None
    tables = data.pop("suite", None)
    _reject_unknown(data, lambda key: f"{file}: {key}")
    shared = {k: _interpolate(v, f"{file}: {k}", env) for k, v in data.items()}
    if tables is None:
        tables = [{}]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables) or not tables:
        raise ConfigError(f"{file}: suite", "must be an array of tables ([[suite]])")
    several = len(tables) > 1
    configs: list[SuiteConfig] = []
    for index, table in enumerate(tables, start=1):
        where = f"{file}: suite[{index}]" if data or several or "suite_id" in table else str(file)
        values = {**shared, **{k: _interpolate(v, f"{where}.{k}", env) for k, v in table.items()}}
        if several and "url_prefix" not in table:
            base = str(shared.get("url_prefix", DEFAULT_URL_PREFIX)).rstrip("/")
            values["url_prefix"] = f"{base}/{values.get('name') or values.get('suite_id', index)}"

        def label(name: str, where: str = where, table: dict[str, Any] = table) -> str:
            return f"{where if name in table or name not in shared else file}.{name}"

        configs.append(SuiteConfig.from_mapping(values, label=label))
    check_distinct(configs)
    return configs


def check_distinct(configs: list[SuiteConfig]) -> None:
    """Several suites in one process need distinct names, suite ids and URL prefixes."""
    for attr in ("name", "suite_id", "url_prefix"):
        seen: set[str] = set()
        for config in configs:
            value = getattr(config, attr)
            if value in seen:
                raise ConfigError(attr, f"two suites share {attr} {value!r}", hint="give each [[suite]] its own value")
            seen.add(value)
