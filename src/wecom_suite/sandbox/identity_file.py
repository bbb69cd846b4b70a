"""One sandbox identity per checkout: the same suite, secrets and companies every ``make run``.

Without it each run invented a new suite id, secret, Token and EncodingAESKey while the SQLite file was
reused: the file filled up with suites, companies installed in an earlier run were orphaned (the new
sandbox did not know their permanent codes), and nothing could inspect the store without the secrets.

Two files are kept next to the database (both git-ignored, readable by their owner only):

- ``<name>.identity.json``: what the sandbox needs to be the same WeCom again: its settings, the corp ids
  of its simulated companies and their authorisations (permanent codes). Delete it (and the database)
  for a fresh identity.
- ``<name>.toml``: the service's configuration for this sandbox, in the format ``--config`` reads, so that
  ``wecom-suite --config <name>.toml corps list`` inspects the store. Rewritten every run (the sandbox's
  port may change).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .rules.directory import Authorization, SimCompany, default_companies
from .settings import SandboxSettings, new_settings

__all__ = ["SandboxIdentity", "identity_paths", "load_or_create_identity", "write_suite_config"]

_SETTINGS_KEYS = (
    "suite_id",
    "suite_secret",
    "token",
    "encoding_aes_key",
    "provider_corp_id",
    "provider_secret",
    "template_id",
)


@dataclass
class SandboxIdentity:
    """The sandbox's suite settings plus its companies' corp ids and authorisations (by corp id)."""

    settings: SandboxSettings
    corp_ids: list[str] = field(default_factory=list)
    authorizations: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def companies(self) -> list[SimCompany]:
        """The simulated companies, with the kept corp ids and authorisations."""
        companies = default_companies(self.settings.provider_corp_id, self.corp_ids)
        for company in companies:
            kept = self.authorizations.get(company.corp_id)
            if kept is not None:
                company.authorization = Authorization(**kept)
        return companies

    def capture(self, companies: Mapping[str, SimCompany]) -> bool:
        """Take the companies' current authorisations; whether anything changed (then save)."""
        corp_ids = list(companies)
        authorizations = {
            corp_id: asdict(company.authorization)
            for corp_id, company in companies.items()
            if company.authorization is not None
        }
        changed = corp_ids != self.corp_ids or authorizations != self.authorizations
        self.corp_ids, self.authorizations = corp_ids, authorizations
        return changed

    def as_json(self) -> dict[str, Any]:
        return {
            "settings": {key: getattr(self.settings, key) for key in _SETTINGS_KEYS},
            "corp_ids": self.corp_ids,
            "authorizations": self.authorizations,
        }

    def save(self, path: Path) -> None:
        """Write atomically, owner-only (it holds the suite secret and permanent codes)."""
        _write_private(path, json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n")


def identity_paths(base: str | os.PathLike[str]) -> tuple[Path, Path]:
    """``(identity JSON, suite TOML)`` for ``base`` (``data/sandbox`` or ``data/sandbox.identity.json``):
    ``data/sandbox.identity.json`` and ``data/sandbox.toml``."""
    path = Path(base)
    path = path.with_name(path.name.removesuffix(".json").removesuffix(".identity"))
    return path.with_name(path.name + ".identity.json"), path.with_name(path.name + ".toml")


def load_or_create_identity(path: Path) -> tuple[SandboxIdentity, bool]:
    """The identity kept in ``path``, or a new one written there; ``(identity, created)``.

    Raises ``ValueError`` (naming the file) when the file exists but is not an identity.
    """
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            settings = SandboxSettings(**{key: str(data["settings"][key]) for key in _SETTINGS_KEYS})
            identity = SandboxIdentity(
                settings, [str(c) for c in data.get("corp_ids", [])], dict(data.get("authorizations", {}))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path} is not a sandbox identity ({type(exc).__name__}: {exc}); delete it for a new one"
            ) from None
        return identity, False
    identity = SandboxIdentity(new_settings())
    identity.corp_ids = [c.corp_id for c in default_companies(identity.settings.provider_corp_id)]
    identity.save(path)
    return identity, True


def write_suite_config(
    path: Path,
    settings: SandboxSettings,
    *,
    store_url: str | None,
    public_base_url: str | None,
    url_prefix: str,
    secret_key: str | None = None,
    console_token: str | None = None,
) -> None:
    """The service's configuration for this sandbox as a TOML file ``--config`` reads (owner-only)."""
    values: dict[str, str | None] = {
        "name": "sandbox",
        "suite_id": settings.suite_id,
        "suite_secret": settings.suite_secret,
        "token": settings.token,
        "encoding_aes_key": settings.encoding_aes_key,
        "provider_corp_id": settings.provider_corp_id,
        "provider_secret": settings.provider_secret,
        "auth_type": "test",
        "store_url": store_url,
        "api_base_url": settings.api_base_url or None,
        "install_base_url": settings.install_base_url or None,
        "login_base_url": settings.install_base_url or None,
        "public_base_url": public_base_url,
        "url_prefix": url_prefix,
        "secret_key": secret_key,
        "console_token": console_token,
    }
    lines = [
        "# The service's settings for the local WeCom sandbox of this checkout (written by `wecom-suite sandbox`,",
        "# rewritten every run; git-ignored). Inspect the store: wecom-suite --config THIS-FILE corps list",
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items() if value is not None]
    _write_private(path, "\n".join(lines) + "\n")


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)
