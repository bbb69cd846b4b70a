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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, overload
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
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
    """One setting, derived from a ``SuiteConfig`` field: its name (the TOML key and keyword), environment
    variable, whether it is a secret or required, its help line and its default (None when required)."""

    name: str
    env: str
    secret: bool
    required: bool
    help: str
    default: Any = None




class SuiteSettings(TypedDict, total=False):
    """The settings as keyword arguments (``SuiteConfig.from_env(**settings)``, ``SuiteApp.from_toml(path,
    **settings)``, ``SuiteGroup.from_toml``): ``SuiteConfig``'s fields, checked against them by a test.
    ``None`` means "not given" (the environment's value, the file's, or the default) at every entry point."""

    suite_id: str | None
    suite_secret: str | SecretStr | None
    token: str | SecretStr | None
    encoding_aes_key: str | SecretStr | None
    previous_encoding_aes_key: str | SecretStr | None
    provider_corp_id: str | None
    provider_secret: str | SecretStr | None
    store_url: str | SecretStr | None
    cache_url: str | SecretStr | None
    api_base_url: str | None
    auth_type: str | None
    install_base_url: str | None
    install_url_style: str | None
    public_base_url: str | None
    success_redirect_url: str | None
    login_redirect_url: str | None
    allowed_return_urls: str | None
    login_mode: str | None
    login_scope: str | None
    login_base_url: str | None
    secret_key: str | SecretStr | None
    console_token: str | SecretStr | None
    url_prefix: str | None
    name: str | None
    inbox_lease_seconds: float | str | None
    inbox_workers: int | str | None
    inbox_max_attempts: int | str | None
    inbox_dedup_days: float | str | None
    warm_tokens: bool | str | None
    reply_deadline: float | str | None


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
        "WECOM_LOG_FORMAT",  # cli/log_setup.py
        "WECOM_LOG_LEVEL",  # cli/log_setup.py
        "WECOM_LOG_PROCESSES",  # cli/log_setup.py
        "WECOM_METRICS",  # metrics.py
        "WECOM_TEMPLATE_DIR",  # app/pages.py
        "WECOM_SUITE_CHROMIUM",  # the project's browser tests: which Chromium
    }
)
"""``WECOM_*`` variables wecom-suite reads that are not settings: not reported as unknown."""

_PREFIX = "WECOM_"
_reported: set[str] = set()
_reported_lock = threading.Lock()


def unknown_variables(env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """The ``WECOM_*`` names (any case) in ``env`` that wecom-suite does not read, sorted, each with the
    known name it most resembles (``difflib``, ``None`` when none is close): a typo's likely meaning."""
    known_variables = frozenset({s.env for s in SETTINGS}) | OTHER_VARIABLES
    known_by_suffix = {name[len(_PREFIX) :]: name for name in known_variables}
    unknown = []
    for name in sorted(env):
        if name.upper().startswith(_PREFIX) and name not in known_variables:
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
# Numeric settings: (lowest, highest, type); checked by one validator, given as numbers or strings.
_NUMBERS: dict[str, tuple[float, float, type[int] | type[float]]] = {
    "inbox_workers": (1, 256, int),
    "inbox_max_attempts": (1, 1000, int),
    "inbox_dedup_days": (0.01, 3650.0, float),
    "reply_deadline": (0.1, 10.0, float),
}
_FLAGS = ("warm_tokens",)  # true/false settings: bools, or "1"/"true"/"yes"/"on" and "0"/"false"/"no"/"off"
_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off", ""})


class SuiteConfig(BaseSettings):
    """The settings of one suite (第三方应用). Validated on construction; secrets are ``SecretStr``.

    ``SuiteConfig(**settings)`` reads keyword arguments over ``WECOM_*`` environment variables over
    defaults; :meth:`from_env` takes the environment as a mapping, :meth:`from_toml` adds a file beneath
    the environment. Raises :class:`~wecom_suite.errors.ConfigError` naming every bad setting.
    """

    model_config = SettingsConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    # One source of truth: every other list of the settings (SETTINGS, the WECOM_* names, the TOML keys,
    # SuiteSettings, SuiteApp's keywords, docs/configuration.md) derives from these fields or is checked
    # against them by tests/app/test_settings_everywhere.py. ``description`` is the setting's help line.
    suite_id: str = Field(description="the app's SuiteID (第三方应用ID), ww… / tj… / dk…")
    suite_secret: SecretStr = Field(description="the app's Secret (第三方应用Secret)")
    token: SecretStr = Field(description="callback Token (回调Token): at most 32 characters, no spaces")
    encoding_aes_key: SecretStr = Field(description="callback EncodingAESKey: 43 characters")
    previous_encoding_aes_key: SecretStr | None = Field(
        None, description="the EncodingAESKey before the last change, still accepted while WeCom switches over"
    )
    provider_corp_id: str = Field(
        "", description="the provider's own CorpID (服务商CorpID); the receive id of GET URL verification"
    )
    provider_secret: SecretStr | None = Field(None, description="the provider Secret (ProviderSecret)")
    store_url: SecretStr = Field(  # may hold a Redis or PostgreSQL password
        SecretStr(DEFAULT_STORE_URL),
        description="memory://, sqlite:///path.db, redis://host:port/db or postgresql://user:password@host/db",
    )
    cache_url: SecretStr | None = Field(
        None,
        description="optional second store for tokens, leases and install states (e.g. redis:// beside a"
        " postgresql:// store)",
    )
    api_base_url: str = Field(DEFAULT_API_BASE_URL, description="where the WeCom server APIs live")
    auth_type: str = Field("official", description="install authorisation type: official (0) or test (1)")
    install_base_url: str = Field(
        DEFAULT_INSTALL_BASE_URL, description="where WeCom's install page (3rdapp/install) lives"
    )
    install_url_style: str = Field("modern", description="modern (3rdapp/install) or legacy")
    public_base_url: str | None = Field(
        None,
        description="this service as the internet sees it (https://suite.example.com); default: the request's Host",
    )
    success_redirect_url: str | None = Field(
        None,
        description="after an install, redirect here (with a signed ?wecom_handoff=…) instead of showing the"
        " success page",
    )
    login_redirect_url: str | None = Field(
        None,
        description="after a sign-in with no @on_login handler, redirect here with a signed ?wecom_handoff=…"
        " (docs/signin.md)",
    )
    allowed_return_urls: str = Field(
        "", description="space-separated URL prefixes that {prefix}/login?return_to=… may send the browser back to"
    )
    login_mode: str = Field("auto", description="auto (by user agent), oauth2 (in-app) or web (QR login)")
    login_scope: str = Field("snsapi_base", description="in-app OAuth2 scope: snsapi_base or snsapi_privateinfo")
    login_base_url: str | None = Field(
        None, description="where WeCom's sign-in pages live (default: WeCom's)"
    )
    secret_key: SecretStr | None = Field(
        None,
        description="key material (32+ characters) for hand-off tokens and secrets at rest; a comma-separated"
        " list rotates (current first, then previous keys that still open stored values)",
    )
    console_token: SecretStr | None = Field(
        None, description="turns on the operator console at {prefix}/console and is its sign-in token (16+ characters)"
    )
    url_prefix: str = Field(DEFAULT_URL_PREFIX, description="path prefix of the callback and install endpoints")
    name: str = Field("", description="a short name for this suite (logs, CLI --suite); default: the suite_id")
    inbox_lease_seconds: float = Field(
        60.0,
        description="how long a worker holds a callback it processes before another worker may take it over",
    )
    inbox_workers: int = Field(4, description="threads processing callbacks (companies in parallel)")
    inbox_max_attempts: int = Field(8, description="failed attempts before a callback becomes a dead letter")
    inbox_dedup_days: float = Field(
        7.0, description="days a processed callback is remembered (re-deliveries ignored), then purged"
    )
    warm_tokens: bool = Field(
        False,
        description="refresh the suite token and every active company's token in the background before they"
        " expire (true/false)",
    )
    reply_deadline: float = Field(
        4.5,
        description="seconds a reply=True data handler may run while WeCom waits (WeCom waits about 5 s);"
        " later, the answer is success",
    )

    def __init__(self, **values: Any) -> None:
        values = {k: v for k, v in values.items() if v is not None}  # None: not given, at every entry point
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
        if name == "inbox_lease_seconds" or name in _NUMBERS or name in _FLAGS:
            return value
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None and not isinstance(value, str):
            raise _problem(f"must be a string, got {type(value).__name__}")
        setting = _BY_NAME.get(name)
        if value == "" and setting is not None and not setting.required and setting.default is None:
            return None  # an optional setting: empty means unset
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

    @field_validator(*_FLAGS, mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise _problem(f"must be true or false, got {value!r}", "write true, false, 1 or 0")

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
    def from_mapping(
        cls, values: Mapping[str, Any], *, label: Callable[[str], str] = str, env: Mapping[str, str] | None = None
    ) -> SuiteConfig:
        """Build from a mapping used as keyword arguments, over the ``WECOM_*`` variables of ``env`` (default
        ``os.environ``); every error names the setting as ``label(name)``."""
        env_values = _env_values(os.environ if env is None else env)
        with _layers(_Layers(env=env_values, kwarg_label=label, missing_label=label)):
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

        The environment (``env``, default ``os.environ``) and then ``overrides`` win over the file, for
        this suite only: the other suites of the file are neither changed nor checked (:func:`load_configs`).
        """
        configs = load_configs(path, env=env, overrides=overrides, suite=suite)
        if len(configs) > 1:
            names = ", ".join(c.name for c in configs)
            raise ConfigError("suite", f"{path} defines several suites ({names})", hint="choose one by name")
        return configs[0]

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


_ENV_NAMES = {"name": "WECOM_SUITE_NAME"}  # the one setting whose variable is not WECOM_ + its name


def _settings() -> tuple[Setting, ...]:
    settings = []
    for name, info in SuiteConfig.model_fields.items():
        secret = "SecretStr" in str(info.annotation)
        env = _ENV_NAMES.get(name, f"WECOM_{name.upper()}")
        default = None if info.is_required() else info.default
        settings.append(Setting(name, env, secret, info.is_required(), info.description or "", default))
    return tuple(settings)


SETTINGS: tuple[Setting, ...] = _settings()
"""Every setting, in ``SuiteConfig``'s field order: derived from its fields (names, help, defaults)."""
_BY_NAME = {s.name: s for s in SETTINGS}


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


def _interpolate(value: Any, where: str, env: Mapping[str, str], problems: list[ConfigError]) -> Any:
    """``"${CRM_SUITE_SECRET}"`` in a TOML value is read from the environment (keeps secrets out of files).

    A reference to a variable that is not set adds a problem to ``problems`` and gives :data:`_UNRESOLVED`,
    so that the other settings are still checked and every problem is reported at once."""
    if not isinstance(value, str):
        return value
    missing = [name for name in _ENV_REF_RE.findall(value) if name not in env]
    if missing:
        for name in missing:
            problems.append(ConfigError(where, f"refers to environment variable {name}, which is not set"))
        return _UNRESOLVED
    return _ENV_REF_RE.sub(lambda match: env[match.group(1)], value)


_UNRESOLVED = object()  # a TOML value whose ${VAR} is not set: reported once, left out of the settings


def load_configs(
    path: str | os.PathLike[str],
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    suite: str | None = None,
) -> list[SuiteConfig]:
    """Every suite of a TOML file, each with the environment and ``overrides`` above the file; with
    ``suite``, only the suite of that name or suite id (a list of one).

    Top-level keys are shared by all suites; each ``[[suite]]`` table adds or overrides keys. With
    no ``[[suite]]`` table the top level is the one suite. With several suites, a suite that sets no
    ``url_prefix`` of its own is served under ``<top-level url_prefix>/<name>``. ``${VAR}`` in a value
    is read from ``env`` (default ``os.environ``), which also supplies ``WECOM_*`` variables: those win
    over the file. Without ``suite`` they apply to every suite and every suite must be valid; with
    ``suite`` the file's own ``name`` / ``suite_id`` pick the table first, so the environment and
    ``overrides`` apply to that suite alone and the other tables' ``${VAR}``s need not be set.
    Raises ``ConfigError`` listing every problem, clashing names, suite ids and URL prefixes included.
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
    top_level_only = tables is None  # the top level is the one suite: its settings are named as file keys
    if tables is None:
        tables = [{}]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables) or not tables:
        raise ConfigError(f"{file}: suite", "must be an array of tables ([[suite]])")
    several = len(tables) > 1
    chosen = list(enumerate(tables, start=1))
    if suite is not None:
        chosen = _select_table(file, data, chosen, suite, env)
    env_values = _env_values(env)
    problems: list[ConfigError] = []
    configs: list[SuiteConfig] = []
    identities: list[tuple[str, dict[str, str]]] = []  # (table, its name / suite_id / url_prefix)
    for index, table in chosen:
        where = str(file) if top_level_only else f"{file}: suite[{index}]"

        def label(name: str, where: str = where, table: dict[str, Any] = table) -> str:
            if top_level_only or (name not in table and name in data):
                return f"{file}: {name}"
            return f"{where}.{name}"

        # Only the keys this suite uses are read: a top-level ${VAR} its own table replaces is not needed.
        unresolved: list[ConfigError] = []
        merged = {**data, **table}
        resolved = {k: _interpolate(v, label(k), env, unresolved) for k, v in merged.items()}
        values = {k: v for k, v in resolved.items() if v is not _UNRESOLVED}
        if several and "url_prefix" not in table:
            base = str(values.get("url_prefix", DEFAULT_URL_PREFIX)).rstrip("/")  # the top level's, or the default
            values["url_prefix"] = f"{base}/{values.get('name') or values.get('suite_id', index)}"
        # A ${VAR} left unresolved is its setting's one problem (not also "is required").
        reported = {p.setting for p in unresolved}
        problems.extend(unresolved)
        layers = _Layers(env=env_values, file=values, file_label=label, missing_label=label)
        try:
            with _layers(layers):
                config = SuiteConfig(**given)
        except ConfigError as exc:  # keep going: every suite's problems are reported together
            problems.extend(p for p in exc.problems if p.setting not in reported)
            identities.append((where, _identity({**values, **env_values, **given})))
        else:
            configs.append(config)
            identities.append((where, _identity({k: getattr(config, k) for k in _DISTINCT})))
    if suite is not None and len(tables) == 1 and configs:  # the one suite: by the file's names or as built
        _check_chosen(file, suite, configs[0], _file_names({**data, **tables[0]}, env))
    problems.extend(distinct_problems(identities))
    if problems:
        unique = {(p.setting, p.problem): p for p in problems}  # a shared key's problem once, not per suite
        raise ConfigError.combine(list(unique.values()))
    return configs


def _select_table(
    file: Path, shared: Mapping[str, Any], tables: list[tuple[int, dict[str, Any]]], suite: str, env: Mapping[str, str]
) -> list[tuple[int, dict[str, Any]]]:
    """The one ``(index, table)`` whose name or suite_id, as the file gives them, is ``suite``. A file
    with one suite gives it whatever it says (its id may come from the environment; checked once built)."""
    if len(tables) == 1:
        return tables
    known: list[str] = []
    for index, table in tables:
        names = _file_names({**shared, **table}, env)
        if suite in names:
            return [(index, table)]
        known.append(names[0] if names else f"suite[{index}]")
    raise ConfigError("suite", f"no suite named {suite!r} in {file}", hint=f"known: {', '.join(known)}")


def _check_chosen(file: Path, suite: str, config: SuiteConfig, file_names: tuple[str, ...]) -> None:
    if suite not in (*file_names, config.name, config.suite_id):
        raise ConfigError("suite", f"no suite named {suite!r} in {file}", hint=f"known: {config.name}")


def _file_names(values: Mapping[str, Any], env: Mapping[str, str]) -> tuple[str, ...]:
    """The names a suite answers to as the file gives them: its name (default: its suite id), its suite id."""
    found = {k: _interpolate(values.get(k), "", env, []) for k in ("name", "suite_id")}
    suite_id = found["suite_id"] if isinstance(found["suite_id"], str) else ""
    name = found["name"] if isinstance(found["name"], str) and found["name"] else suite_id
    return tuple(n for n in (name, suite_id) if n)


_DISTINCT = ("name", "suite_id", "url_prefix")


def _identity(values: Mapping[str, Any]) -> dict[str, str]:
    """A suite's name, suite id and URL prefix as it will run, for :func:`distinct_problems`; also from
    the raw values of a suite that failed to build (so its clashes are reported with its other problems)."""
    found = {k: _reveal(values[k]) for k in _DISTINCT if isinstance(_reveal(values.get(k)), str)}
    if "url_prefix" in found:
        try:
            found["url_prefix"] = SuiteConfig._url_prefix(found["url_prefix"])
        except (ValueError, PydanticCustomError):
            del found["url_prefix"]  # invalid: reported as such, not also as a clash
    if not found.get("name") and found.get("suite_id"):
        found["name"] = found["suite_id"]
    return found


def distinct_problems(suites: Sequence[tuple[str, Mapping[str, str]]]) -> list[ConfigError]:
    """One problem per value that several suites share: each of ``name``, ``suite_id`` and ``url_prefix``
    must differ between the suites of one process. ``suites`` holds (where the suite is defined, values)."""
    problems = []
    for attr in _DISTINCT:
        holders: dict[str, list[str]] = {}
        for where, values in suites:
            if values.get(attr):
                holders.setdefault(values[attr], []).append(where)
        for value, places in holders.items():
            if len(places) > 1:
                problems.append(
                    ConfigError(
                        attr,
                        f"{value!r} is shared by {' and '.join(places)}",
                        hint="give each [[suite]] its own value",
                    )
                )
    return problems


def check_distinct(configs: Sequence[SuiteConfig]) -> None:
    """Raise ``ConfigError`` naming every name, suite id and URL prefix that several suites share."""
    problems = distinct_problems(
        [(f"suite[{i}] ({c.name})", _identity({k: getattr(c, k) for k in _DISTINCT})) for i, c in enumerate(configs, 1)]
    )
    if problems:
        raise ConfigError.combine(problems)


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
