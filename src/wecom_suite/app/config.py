"""Suite configuration from keyword arguments, environment variables or a TOML file (pydantic-settings).

One precedence everywhere: keyword arguments > ``WECOM_*`` environment variables > the TOML file >
defaults (docs/configuration.md). Everything is checked when the configuration is built, and every
missing or invalid setting is reported at once, one line each, named as the user wrote it
(``WECOM_ENCODING_AES_KEY: must be exactly 43 characters``), instead of failing on the first callback
hours later. Secrets are ``SecretStr``: no repr, dict form or log line shows them.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, overload
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ..clock import Clock
from ..crypto import decode_encoding_aes_key
from ..errors import ConfigError
from ..redaction import redact, redact_store_url
from ..stores.store import Store
from ..stores.url import POSTGRES_SCHEMES, REDIS_SCHEMES, STORE_SCHEMES

if sys.version_info >= (3, 11):  # pragma: no cover - version switch
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "DEFAULT_STORE_URL",
    "OTHER_VARIABLES",
    "SETTINGS",
    "Setting",
    "SuiteConfig",
    "SuiteSettings",
    "load_configs",
    "reveal",
    "unknown_variables",
]

logger = logging.getLogger("wecom_suite.config")

DEFAULT_STORE_URL = "sqlite:///./wecom-suite.db"
DEFAULT_API_BASE_URL = "https://qyapi.weixin.qq.com"
DEFAULT_INSTALL_BASE_URL = "https://open.work.weixin.qq.com"
DEFAULT_URL_PREFIX = "/wecom"

_ID_RE = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,32}")  # documented as letters/digits; any printable ASCII signs fine
_NAME_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_PREFIX_RE = re.compile(r"(/[A-Za-z0-9_\-.~]+)*")
_ENV_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


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
    Setting(
        "store_url",
        "WECOM_STORE_URL",
        True,
        False,
        "memory://, sqlite:///path.db, redis://host:port/db or postgresql://user:password@host/db",
    ),
    Setting(
        "cache_url",
        "WECOM_CACHE_URL",
        True,
        False,
        "optional second store for tokens, leases and install states (e.g. redis:// beside a postgresql:// store)",
    ),
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
        "after an install, redirect here (with a signed ?wecom_handoff=…) instead of showing the success page",
    ),
    Setting(
        "login_redirect_url",
        "WECOM_LOGIN_REDIRECT_URL",
        False,
        False,
        "after a sign-in with no @on_login handler, redirect here with a signed ?wecom_handoff=… (docs/signin.md)",
    ),
    Setting(
        "allowed_return_urls",
        "WECOM_ALLOWED_RETURN_URLS",
        False,
        False,
        "space-separated URL prefixes that {prefix}/login?return_to=… may send the browser back to",
    ),
    Setting("login_mode", "WECOM_LOGIN_MODE", False, False, "auto (by user agent), oauth2 (in-app) or web (QR login)"),
    Setting("login_scope", "WECOM_LOGIN_SCOPE", False, False, "in-app OAuth2 scope: snsapi_base or snsapi_privateinfo"),
    Setting(
        "login_base_url", "WECOM_LOGIN_BASE_URL", False, False, "where WeCom's sign-in pages live (default: WeCom's)"
    ),
    Setting(
        "secret_key",
        "WECOM_SECRET_KEY",
        True,
        False,
        "key material (32+ characters) for hand-off tokens and secrets at rest; a comma-separated list rotates"
        " (current first, then previous keys that still open stored values)",
    ),
    Setting(
        "console_token",
        "WECOM_CONSOLE_TOKEN",
        True,
        False,
        "turns on the operator console at {prefix}/console and is its sign-in token (16+ characters)",
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
    Setting(
        "inbox_workers", "WECOM_INBOX_WORKERS", False, False, "threads processing callbacks (companies in parallel)"
    ),
    Setting(
        "inbox_max_attempts",
        "WECOM_INBOX_MAX_ATTEMPTS",
        False,
        False,
        "failed attempts before a callback becomes a dead letter",
    ),
    Setting(
        "inbox_dedup_days",
        "WECOM_INBOX_DEDUP_DAYS",
        False,
        False,
        "days a processed callback is remembered (re-deliveries ignored), then purged",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


class SuiteSettings(TypedDict, total=False):
    """The settings as keyword arguments (``SuiteApp(**settings)``, ``SuiteConfig.from_env(**settings)``)."""

    suite_id: str
    suite_secret: str | SecretStr
    token: str | SecretStr
    encoding_aes_key: str | SecretStr
    previous_encoding_aes_key: str | SecretStr | None
    provider_corp_id: str
    provider_secret: str | SecretStr | None
    store_url: str | SecretStr
    api_base_url: str
    auth_type: str
    install_base_url: str
    install_url_style: str
    public_base_url: str | None
    success_redirect_url: str | None
    url_prefix: str
    name: str
    inbox_lease_seconds: float | str
    login_redirect_url: str | None
    allowed_return_urls: str
    login_mode: str
    login_scope: str
    login_base_url: str | None
    secret_key: str | SecretStr | None
    cache_url: str | SecretStr | None
    inbox_workers: int | str
    inbox_max_attempts: int | str
    inbox_dedup_days: float | str
    console_token: str | SecretStr | None


# -- where values come from ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layers:
    """The values beneath the keyword arguments for one build, and how to name a setting in an error.

    ``env`` and ``file`` hold setting name -> value; ``file_label(name)`` names a file key
    (``suites.toml: suite[2].token``); ``missing_label(name)`` names a setting nobody set.
    """

    env: Mapping[str, Any]
    file: Mapping[str, Any] = field(default_factory=dict)
    file_label: Callable[[str], str] = str
    missing_label: Callable[[str], str] = str
    kwarg_label: Callable[[str], str] = str


_LAYERS: ContextVar[_Layers | None] = ContextVar("wecom_suite_config_layers", default=None)


OTHER_VARIABLES: frozenset[str] = frozenset(
    {
        "WECOM_SUITE_CONFIG",  # the TOML file (--config); cli/common_options.py, cli/asgi_factory.py
        "WECOM_SUITE_SELECT",  # serve --suite, for the worker processes; cli/asgi_factory.py
        "WECOM_WARM_TOKENS",  # serve --warm-tokens, for the worker processes; cli/asgi_factory.py
        "WECOM_LOG_FORMAT",  # cli/log_setup.py
        "WECOM_LOG_LEVEL",  # cli/log_setup.py
        "WECOM_LOG_PROCESSES",  # cli/log_setup.py
        "WECOM_METRICS",  # metrics.py
        "WECOM_TEMPLATE_DIR",  # app/pages.py
        "WECOM_SUITE_CHROMIUM",  # the project's browser tests: which Chromium
    }
)
"""``WECOM_*`` variables wecom-suite reads that are not settings: not reported as unknown."""

_KNOWN_VARIABLES = frozenset({s.env for s in SETTINGS}) | OTHER_VARIABLES
_PREFIX = "WECOM_"
_reported: set[str] = set()
_reported_lock = threading.Lock()


def unknown_variables(env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """The ``WECOM_*`` names (any case) in ``env`` that wecom-suite does not read, sorted, each with the
    known name it most resembles (``difflib``, ``None`` when none is close): a typo's likely meaning."""
    known_by_suffix = {name[len(_PREFIX) :]: name for name in _KNOWN_VARIABLES}
    unknown = []
    for name in sorted(env):
        if name.upper().startswith(_PREFIX) and name not in _KNOWN_VARIABLES:
            close = difflib.get_close_matches(name[len(_PREFIX) :].upper(), known_by_suffix, n=1, cutoff=0.75)
            unknown.append((name, known_by_suffix[close[0]] if close else None))
    return unknown


def _report_unknown_variables(env: Mapping[str, str]) -> None:
    """One warning per unknown ``WECOM_*`` name and process: names only, never a value. Not an error,
    since other tools may use the prefix too."""
    for name, suggestion in unknown_variables(env):
        with _reported_lock:
            if name in _reported:
                continue
            _reported.add(name)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        logger.warning("environment variable %s is not a wecom-suite setting and is ignored%s", name, hint)


def _env_values(env: Mapping[str, str]) -> dict[str, str]:
    """``WECOM_*`` variables by setting name; an empty variable counts as unset. Unknown ``WECOM_*``
    names are reported (a typo such as ``WECOM_SUITE_SECRE`` would otherwise be ignored silently)."""
    _report_unknown_variables(env)
    return {s.name: env[s.env] for s in SETTINGS if env.get(s.env, "") != ""}


class _ValuesSource(PydanticBaseSettingsSource):
    """A fixed mapping as a pydantic-settings source (the environment as read, or a TOML suite)."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = dict(values)

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


@contextmanager
def _layers(layers: _Layers) -> Iterator[None]:
    token = _LAYERS.set(layers)
    try:
        yield
    finally:
        _LAYERS.reset(token)


def _problem(problem: str, hint: str = "", setting: str = "") -> PydanticCustomError:
    """A validation failure carrying our wording (pydantic's own would say "Value error, ...")."""
    return PydanticCustomError("wecom_config", "{problem}", {"problem": problem, "hint": hint, "setting": setting})


_KEY_HINT = "copy the EncodingAESKey from the provider console, or make one with `wecom-suite keygen`"
_OPTIONAL_EMPTY_IS_UNSET = frozenset(
    {
        "previous_encoding_aes_key",
        "provider_secret",
        "public_base_url",
        "success_redirect_url",
        "login_redirect_url",
        "login_base_url",
        "cache_url",
        "secret_key",
        "console_token",
    }
)
# Numeric settings: (lowest, highest, type); checked by one validator, given as numbers or strings.
_NUMBERS: dict[str, tuple[float, float, type[int] | type[float]]] = {
    "inbox_workers": (1, 256, int),
    "inbox_max_attempts": (1, 1000, int),
    "inbox_dedup_days": (0.01, 3650.0, float),
}


class SuiteConfig(BaseSettings):
    """The settings of one suite (第三方应用). Validated on construction; secrets are ``SecretStr``.

    ``SuiteConfig(**settings)`` reads keyword arguments over ``WECOM_*`` environment variables over
    defaults; :meth:`from_env` takes the environment as a mapping, :meth:`from_toml` adds a file beneath
    the environment. Raises :class:`~wecom_suite.errors.ConfigError` naming every bad setting.
    """

    model_config = SettingsConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    suite_id: str
    suite_secret: SecretStr
    token: SecretStr
    encoding_aes_key: SecretStr
    previous_encoding_aes_key: SecretStr | None = None
    provider_corp_id: str = ""
    provider_secret: SecretStr | None = None
    store_url: SecretStr = SecretStr(DEFAULT_STORE_URL)  # may hold a Redis password
    api_base_url: str = DEFAULT_API_BASE_URL
    auth_type: str = "official"
    install_base_url: str = DEFAULT_INSTALL_BASE_URL
    install_url_style: str = "modern"
    public_base_url: str | None = None
    success_redirect_url: str | None = None
    login_redirect_url: str | None = None
    allowed_return_urls: str = ""
    login_mode: str = "auto"
    login_scope: str = "snsapi_base"
    login_base_url: str | None = None
    secret_key: SecretStr | None = None
    url_prefix: str = DEFAULT_URL_PREFIX
    name: str = ""
    inbox_lease_seconds: float = 60.0
    cache_url: SecretStr | None = None  # may hold a Redis password too
    inbox_workers: int = 4
    inbox_max_attempts: int = 8
    inbox_dedup_days: float = 7.0
    console_token: SecretStr | None = None

    def __init__(self, **values: Any) -> None:
        layers = _LAYERS.get() or _Layers(env=_env_values(os.environ))
        try:
            with _layers(layers):
                super().__init__(**values)
        except ValidationError as exc:
            raise _config_error(exc, values, layers) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """keyword arguments > environment > file > defaults: the one precedence (module docstring)."""
        layers = _LAYERS.get() or _Layers(env=_env_values(os.environ))
        return (init_settings, _ValuesSource(settings_cls, layers.env), _ValuesSource(settings_cls, layers.file))

    # -- checks, one per setting (all run, so that every problem is reported at once) ----------------

    @field_validator("*", mode="before")
    @classmethod
    def _types_and_blanks(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if name == "inbox_lease_seconds" or name in _NUMBERS:
            return value
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None and not isinstance(value, str):
            raise _problem(f"must be a string, got {type(value).__name__}")
        if value == "" and name in _OPTIONAL_EMPTY_IS_UNSET:
            return None
        setting = _BY_NAME.get(name)
        if setting is not None and setting.required and not value:
            raise _problem("is required", f"set it, e.g. with {setting.env}")
        return value

    @field_validator("suite_id")
    @classmethod
    def _suite_id(cls, value: str) -> str:
        if not _ID_RE.fullmatch(value):
            raise _problem("may contain only letters, digits, '-' and '_'")
        return value

    @field_validator("provider_corp_id")
    @classmethod
    def _provider_corp_id(cls, value: str) -> str:
        if value and not _ID_RE.fullmatch(value):
            raise _problem("may contain only letters, digits, '-' and '_'")
        return value

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if not _TOKEN_RE.fullmatch(token):
            raise _problem(
                f"must be 1 to 32 printable characters without spaces (got {len(token)} characters)",
                "copy the Token from the provider console, or make one with `wecom-suite keygen`",
            )
        return value

    @field_validator("encoding_aes_key", "previous_encoding_aes_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                decode_encoding_aes_key(value.get_secret_value())
            except ValueError as exc:
                raise _problem(str(exc), _KEY_HINT) from None
        return value

    @field_validator("store_url", "cache_url")
    @classmethod
    def _store_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        url = value.get_secret_value()
        scheme = url.split(":", 1)[0].lower()
        if "://" not in url or scheme not in STORE_SCHEMES:
            raise _problem(
                f"{scheme!r} needs '://' after it" if scheme in STORE_SCHEMES else f"unsupported scheme {scheme!r}",
                _store_url_hint(scheme),
            )
        return value

    @field_validator(
        "api_base_url", "install_base_url", "public_base_url", "success_redirect_url", "login_redirect_url",
        "login_base_url",
    )
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _problem(f"must be an http(s) URL with a host, got {value!r}")
        return value if info.field_name in ("success_redirect_url", "login_redirect_url") else value.rstrip("/")

    @field_validator("allowed_return_urls")
    @classmethod
    def _return_urls(cls, value: str) -> str:
        for url in value.replace(",", " ").split():
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise _problem(f"each must be an http(s) URL with a host, got {url!r}")
        return value

    @field_validator("login_mode", "login_scope")
    @classmethod
    def _login_choice(cls, value: str, info: ValidationInfo) -> str:
        modes, scopes = ("auto", "oauth2", "web"), ("snsapi_base", "snsapi_privateinfo")
        allowed = modes if info.field_name == "login_mode" else scopes
        if value not in allowed:
            raise _problem(f"must be one of {', '.join(allowed)}, got {value!r}")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        keys = [k.strip() for k in value.get_secret_value().split(",")]
        if not any(keys) or any(len(k) < 32 for k in keys):
            raise _problem("each key must be at least 32 characters", "make one: openssl rand -hex 32")
        return value

    @field_validator("console_token")
    @classmethod
    def _console_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise _problem("must be at least 16 characters", "make one: openssl rand -hex 24")
        return value

    @field_validator(*_NUMBERS, mode="before")
    @classmethod
    def _number(cls, value: Any, info: ValidationInfo) -> float:
        low, high, kind = _NUMBERS[info.field_name or ""]
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise _problem(f"must be a number, got {value!r}") from None
        if not low <= number <= high:
            raise _problem(f"must be between {low:g} and {high:g}, got {number:g}")
        return number

    @field_validator("auth_type")
    @classmethod
    def _auth_type(cls, value: str) -> str:
        auth_type = value.strip().lower()
        if auth_type not in ("official", "test"):
            raise _problem(
                f"must be 'official' or 'test', got {value!r}",
                "'test' (测试授权) lets an app that is not online yet be installed",
            )
        return auth_type

    @field_validator("install_url_style")
    @classmethod
    def _install_url_style(cls, value: str) -> str:
        style = value.strip().lower()
        if style not in ("modern", "legacy"):
            raise _problem(f"must be 'modern' or 'legacy', got {value!r}")
        return style

    @field_validator("url_prefix")
    @classmethod
    def _url_prefix(cls, value: str) -> str:
        prefix = value.rstrip("/")
        if prefix and not prefix.startswith("/"):
            prefix = "/" + prefix
        if not _PREFIX_RE.fullmatch(prefix):
            raise _problem(f"must be a path like /wecom, got {value!r}")
        return prefix

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value and not _NAME_RE.fullmatch(value):
            raise _problem("may contain only letters, digits, '-' and '_'")
        return value

    @field_validator("inbox_lease_seconds", mode="before")
    @classmethod
    def _lease(cls, value: Any) -> float:
        try:
            lease = float(value)
        except (TypeError, ValueError):
            raise _problem(f"must be a number of seconds, got {value!r}") from None
        if not 1.0 <= lease <= 3600.0:
            raise _problem(f"must be between 1 and 3600 seconds, got {lease:g}")
        return lease

    @model_validator(mode="after")
    def _together(self) -> SuiteConfig:
        if self.provider_secret is not None and not self.provider_corp_id:
            raise _problem("is required when provider_secret is set", setting="provider_corp_id")
        if not self.name:
            object.__setattr__(self, "name", self.suite_id)  # the default name; frozen otherwise
        return self

    @property
    def secret_keys(self) -> tuple[str, ...]:
        """``secret_key`` split at commas: the current key first, then previous ones (key rotation)."""
        raw = reveal(self.secret_key) or ""
        return tuple(k.strip() for k in raw.split(",") if k.strip())

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SuiteConfig:
        """Read ``WECOM_*`` variables from ``env`` (default ``os.environ``); keyword arguments win.

        A keyword argument that is ``None`` is ignored (the environment's value, or the default, stays).
        """
        given = {k: v for k, v in overrides.items() if v is not None}
        env_values = _env_values(os.environ if env is None else env)
        with _layers(_Layers(env=env_values, missing_label=_env_name)):
            return cls(**given)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, label: Callable[[str], str] = str) -> SuiteConfig:
        """Build from a mapping used as keyword arguments; every error names the setting as ``label(name)``."""
        with _layers(_Layers(env=_env_values(os.environ), kwarg_label=label, missing_label=label)):
            return cls(**values)

    @classmethod
    def from_toml(
        cls,
        path: str | os.PathLike[str],
        *,
        suite: str | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> SuiteConfig:
        """The one suite of a TOML file, or the one named ``suite`` when the file has several.

        The environment (``env``, default ``os.environ``) and then ``overrides`` win over the file.
        """
        configs = load_configs(path, env=env, overrides=overrides)
        if suite is None:
            if len(configs) > 1:
                names = ", ".join(c.name for c in configs)
                raise ConfigError("suite", f"{path} defines several suites ({names})", hint="choose one by name")
            return configs[0]
        for config in configs:
            if suite in (config.name, config.suite_id):
                return config
        raise ConfigError("suite", f"no suite named {suite!r} in {path}")

    def settings(self) -> dict[str, Any]:
        """The settings as plain values (secrets revealed), e.g. to build a modified copy: handle with care."""
        return {name: _reveal(getattr(self, name)) for name in type(self).model_fields}

    # -- presentation -------------------------------------------------------------------------------

    def describe(self) -> list[tuple[str, str]]:
        """(setting, printable value) pairs with every secret redacted, for ``wecom-suite serve``."""
        rows = []
        for setting in SETTINGS:
            value = _reveal(getattr(self, setting.name))
            if value is None or (value == "" and setting.name != "url_prefix"):
                shown = "(not set)"
            elif value == "":
                shown = "(none)"
            elif setting.name in ("store_url", "cache_url"):
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


@overload
def reveal(value: SecretStr) -> str: ...
@overload
def reveal(value: SecretStr | None) -> str | None: ...
def reveal(value: SecretStr | None) -> str | None:
    """The text of a secret setting (``None`` stays ``None``): only where the secret is used."""
    return value.get_secret_value() if value is not None else None


def _store_url_hint(scheme: str) -> str:
    """The right form of a store URL, for the scheme the user meant."""
    if scheme == "sqlite":
        return "write sqlite:///./relative.db (from the working directory) or sqlite:///var/lib/wecom-suite.db"
    if scheme in REDIS_SCHEMES:
        return f"write {scheme}://host:6379/0"
    if scheme in POSTGRES_SCHEMES:
        return f"write {scheme}://user:password@host:5432/dbname"
    return "use memory://, sqlite:///path/to/file.db, redis://host:6379/0 or postgresql://user@host/db"


def _reveal(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _env_name(name: str) -> str:
    setting = _BY_NAME.get(name)
    return setting.env if setting is not None else name


def _config_error(exc: ValidationError, kwargs: Mapping[str, Any], layers: _Layers) -> ConfigError:
    """Every problem of one build as one ``ConfigError``, each setting named where its value came from."""

    def label(name: str) -> str:
        if name in kwargs:
            return layers.kwarg_label(name)
        if name in layers.env:
            return _env_name(name)
        if name in layers.file:
            return layers.file_label(name)
        return layers.missing_label(name)

    problems: list[ConfigError] = []
    for error in exc.errors(include_input=False, include_url=False):
        ctx = error.get("ctx") or {}
        name = str(ctx.get("setting") or (error["loc"][0] if error["loc"] else "configuration"))
        if error["type"] == "extra_forbidden":
            known = ", ".join(sorted(_BY_NAME))
            problems.append(ConfigError(label(name), "unknown setting", hint=f"known settings: {known}"))
        elif error["type"] == "wecom_config":
            problems.append(ConfigError(label(name), str(ctx["problem"]), hint=str(ctx.get("hint") or "") or None))
        elif error["type"] == "missing":
            problems.append(ConfigError(label(name), "is required", hint=f"set it, e.g. with {_env_name(name)}"))
        else:
            problems.append(ConfigError(label(name), error["msg"]))
    return ConfigError.combine(problems)


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


def load_configs(
    path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> list[SuiteConfig]:
    """Every suite of a TOML file, each with the environment and ``overrides`` above the file.

    Top-level keys are shared by all suites; each ``[[suite]]`` table adds or overrides keys. With
    no ``[[suite]]`` table the top level is the one suite. With several suites, a suite that sets no
    ``url_prefix`` of its own is served under ``<top-level url_prefix>/<name>``. ``${VAR}`` in a value
    is read from ``env`` (default ``os.environ``), which also supplies ``WECOM_*`` variables: those win
    over the file, for every suite in it.
    """
    env = os.environ if env is None else env
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
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
    shared = {k: _interpolate(v, f"{file}: {k}", env) for k, v in data.items()}
    if tables is None:
        tables = [{}]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables) or not tables:
        raise ConfigError(f"{file}: suite", "must be an array of tables ([[suite]])")
    several = len(tables) > 1
    env_values = _env_values(env)
    configs: list[SuiteConfig] = []
    for index, table in enumerate(tables, start=1):
        where = f"{file}: suite[{index}]" if data or several or "suite_id" in table else str(file)
        values = {**shared, **{k: _interpolate(v, f"{where}.{k}", env) for k, v in table.items()}}
        if several and "url_prefix" not in table:
            base = str(shared.get("url_prefix", DEFAULT_URL_PREFIX)).rstrip("/")
            values["url_prefix"] = f"{base}/{values.get('name') or values.get('suite_id', index)}"

        def label(name: str, where: str = where, table: dict[str, Any] = table) -> str:
            if name not in table and name in shared:
                return f"{file}: {name}"
            return f"{where}.{name}"

        layers = _Layers(env=env_values, file=values, file_label=label, missing_label=label)
        with _layers(layers):
            configs.append(SuiteConfig(**given))
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


def open_configured_store(config: SuiteConfig, clock: Clock | None = None) -> Store:
    """The store a suite's settings name: ``store_url``, with ``cache_url`` for tokens and leases, values
    sealed under ``secret_key`` (the one way the app, the group and the CLI open a suite's store)."""
    from ..stores.url import open_store

    return open_store(
        reveal(config.store_url),
        clock=clock,
        cache_url=reveal(config.cache_url) if config.cache_url else None,
        secret_keys=config.secret_keys,
    )
