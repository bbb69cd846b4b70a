"""The suite the sandbox plays WeCom for: ids, secrets and callback keys (what the provider console shows)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from ..crypto import generate_encoding_aes_key
from ..redaction import redact

__all__ = ["SandboxSettings", "new_settings"]


@dataclass(frozen=True)
class SandboxSettings:
    """Everything a suite needs to talk to the sandbox; secrets are redacted in ``repr``.

    ``api_base_url`` is what a client uses as WeCom's API host (it appends ``/cgi-bin/...``);
    ``install_base_url`` replaces ``https://open.work.weixin.qq.com`` for the install page.
    """

    suite_id: str
    suite_secret: str = field(repr=False)
    token: str = field(repr=False)
    encoding_aes_key: str = field(repr=False)
    provider_corp_id: str
    provider_secret: str = field(repr=False)
    template_id: str
    previous_encoding_aes_key: str | None = field(default=None, repr=False)
    api_base_url: str = ""
    install_base_url: str = ""

    def __repr__(self) -> str:
        return (
            f"SandboxSettings(suite_id={self.suite_id!r}, provider_corp_id={self.provider_corp_id!r}, "
            f"template_id={self.template_id!r}, suite_secret={redact(self.suite_secret)}, "
            f"token={redact(self.token)}, encoding_aes_key={redact(self.encoding_aes_key)}, "
            f"api_base_url={self.api_base_url!r})"
        )

    def with_rotated_key(self, new_key: str | None = None) -> SandboxSettings:
        """A copy whose current key is ``new_key`` (fresh if None) and whose previous key is the old current."""
        return replace(
            self,
            encoding_aes_key=new_key or generate_encoding_aes_key(),
            previous_encoding_aes_key=self.encoding_aes_key,
        )

    def with_base_url(self, base_url: str) -> SandboxSettings:
        return replace(self, api_base_url=base_url, install_base_url=base_url)

    def as_dict(self) -> dict[str, str | None]:
        """Every setting, secrets included: for the admin API, which only a local developer can reach."""
        return {
            "suite_id": self.suite_id,
            "suite_secret": self.suite_secret,
            "token": self.token,
            "encoding_aes_key": self.encoding_aes_key,
            "previous_encoding_aes_key": self.previous_encoding_aes_key,
            "provider_corp_id": self.provider_corp_id,
            "provider_secret": self.provider_secret,
            "template_id": self.template_id,
            "api_base_url": self.api_base_url,
            "install_base_url": self.install_base_url,
        }


def new_settings(
    *,
    suite_id: str | None = None,
    suite_secret: str | None = None,
    token: str | None = None,
    encoding_aes_key: str | None = None,
    provider_corp_id: str | None = None,
    provider_secret: str | None = None,
) -> SandboxSettings:
    """Fresh random credentials in WeCom's formats (``ww`` + 16 hex ids, 43-character keys)."""
    return SandboxSettings(
        suite_id=suite_id or "ww" + secrets.token_hex(8),
        suite_secret=suite_secret or secrets.token_urlsafe(32),
        token=token or secrets.token_urlsafe(12)[:16],
        encoding_aes_key=encoding_aes_key or generate_encoding_aes_key(),
        provider_corp_id=provider_corp_id or "ww" + secrets.token_hex(8),
        provider_secret=provider_secret or secrets.token_urlsafe(32),
        template_id="dk" + secrets.token_hex(8),
    )
