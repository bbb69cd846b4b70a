"""The success page as a signed receipt, so that reloading it shows it again.

The install callback uses up its single-use ``state``; rendering the success page there made a reload
say "expired". Instead the callback answers ``303 See Other`` to
``{prefix}/install/callback?receipt=<token>``, a URL that shows the same success page as often as it is
opened, for :data:`RECEIPT_LIFETIME` seconds.

The token is ``base64url(JSON {suite_id, corp_id, corp_name, issued_at}) "." base64url(HMAC-SHA256)``, keyed
with a key derived from the suite secret: it cannot be forged or moved to another suite, and carries no
secret (a corp id and name, which the page shows anyway).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from ..stores.records import CompanyRecord
from ..web.response import WebResponse
from .config import SuiteConfig, reveal
from .handoff import hkdf_sha256
from .pages import error_page, success_page

__all__ = ["RECEIPT_LIFETIME", "make_receipt", "read_receipt", "receipt_redirect", "show_receipt"]

RECEIPT_LIFETIME = 7 * 24 * 3600.0  # seconds: long enough for a bookmark the same week
_DOMAIN = b"wecom-suite install receipt v1\x00"


def _key(config: SuiteConfig) -> bytes:
    """The receipt key: HKDF of the configured key material (as the hand-offs derive theirs), per suite."""
    secret = reveal(config.secret_key) or reveal(config.suite_secret)
    return hkdf_sha256(secret.encode("utf-8"), salt=config.suite_id.encode(), info=_DOMAIN)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_receipt(config: SuiteConfig, company: CompanyRecord, *, now: float) -> str:
    """A token naming ``company``'s install of ``config``'s suite, issued at ``now`` (epoch seconds)."""
    payload = json.dumps(
        {"s": config.suite_id, "c": company.corp_id, "n": company.corp_name, "t": int(now)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    mac = hmac.new(_key(config), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def read_receipt(config: SuiteConfig, token: str, *, now: float) -> tuple[str, str] | None:
    """``(corp_id, corp_name)`` if ``token`` is a valid, unexpired receipt of this suite; else None."""
    body, _, signature = token.partition(".")
    try:
        payload, mac = _unb64(body), _unb64(signature)
    except (binascii.Error, ValueError):
        return None
    expected = hmac.new(_key(config), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        fields = json.loads(payload)
        suite_id, corp_id, corp_name, issued = fields["s"], fields["c"], fields["n"], float(fields["t"])
    except (ValueError, KeyError, TypeError):
        return None
    if suite_id != config.suite_id or not 0 <= now - issued <= RECEIPT_LIFETIME:
        return None
    return str(corp_id), str(corp_name)


def receipt_redirect(callback_url: str, config: SuiteConfig, company: CompanyRecord, *, now: float) -> WebResponse:
    """``303`` to ``callback_url?receipt=…``: the browser's address becomes the reloadable success page."""
    response = WebResponse.redirect(f"{callback_url}?receipt={make_receipt(config, company, now=now)}", status=303)
    response.headers["cache-control"] = "no-store"
    return response


def show_receipt(config: SuiteConfig, token: str, *, now: float) -> WebResponse:
    """The success page for a receipt; a plain error page (400) for a forged or expired one."""
    found = read_receipt(config, token, now=now)
    if found is None:
        return error_page(
            "Install receipt rejected",
            "the receipt's signature does not match this suite, or it is older than "
            f"{int(RECEIPT_LIFETIME // 86400)} days",
        )
    corp_id, corp_name = found
    return success_page(corp_name=corp_name, corp_id=corp_id, suite_name=config.name, suite_id=config.suite_id)
