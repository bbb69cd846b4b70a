"""Secrets at rest: seal (encrypt and authenticate) a value so the database alone does not give it away.

A sealed value is text: ``wsx1:<key id>:<base64url of nonce + ciphertext + tag>``. The cipher is
AES-256-GCM from ``cryptography`` with a random 96-bit nonce. The associated data binds the value to
its place (the part and the record's identity: suite id, corp id, token key, item id), so a value
copied to another row fails to open instead of being handed to the wrong company.

The 256-bit storage key is derived with HKDF-SHA256 from the configured ``secret_key``
(``WECOM_SECRET_KEY``), so the same secret is never used raw for two purposes (hand-off tokens use
another label). A list of secrets supports rotation: the first seals, every one opens. The key id
is the first 4 bytes (8 hex digits) of a SHA-256 of the derived key: it says which key sealed a
value and reveals nothing about the key.

Values without the ``wsx1:`` prefix are plain text written before a key was set (or by 0.1); they
are read as they are, and ``wecom-suite store rekey`` seals them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors.store import StoreError

__all__ = ["SEALED_PREFIX", "SealError", "Sealer", "UnknownKey", "generate_secret_key", "is_sealed", "key_id_of"]

SEALED_PREFIX = "wsx1:"
_PREFIX_BYTES = SEALED_PREFIX.encode("ascii")
_LABEL = b"wecom-suite store v1"
_SALT = b"wecom-suite"
_NONCE_BYTES = 12
_MIN_SECRET = 32  # characters, as the secret_key setting requires


class SealError(StoreError):
    """A sealed value could not be opened: altered, copied from another row, or sealed under an unknown key.

    ``part`` and ``where`` name the value's place (never the value); ``key_id`` is the key that sealed it.
    """

    def __init__(self, message: str, *, part: str, where: str, key_id: str, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.part = part
        self.where = where
        self.key_id = key_id


class UnknownKey(SealError):
    """The value was sealed under a key that is not configured (a retired key, or no key at all)."""


def generate_secret_key() -> str:
    """A fresh ``secret_key`` (64 hex digits = 256 random bits), e.g. for a sandbox or ``openssl rand -hex 32``."""
    return secrets.token_hex(32)


def _derive(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_LABEL)
    return hkdf.derive(secret.encode("utf-8"))


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"wecom-suite store key id|" + key).hexdigest()[:8]


def key_id_of(value: str | bytes) -> str | None:
    """The key id a sealed value names, or None for a plain value."""
    raw = value.encode("ascii", "replace") if isinstance(value, str) else value
    if not raw.startswith(_PREFIX_BYTES):
        return None
    return raw[len(_PREFIX_BYTES) :].partition(b":")[0].decode("ascii", "replace")


def is_sealed(value: str | bytes) -> bool:
    """True for a ``wsx1:`` value (an XML payload or a WeCom credential never starts so)."""
    raw = value.encode("ascii", "replace") if isinstance(value, str) else value
    return raw.startswith(_PREFIX_BYTES)


def _aad(part: str, identity: Sequence[str]) -> bytes:
    # JSON of a list is injective: ("a:b", "c") and ("a", "b:c") give different bytes.
    return json.dumps(["wsx1", part, *identity], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Sealer:
    """Seals with the first key of ``secrets``, opens with any of them.

    ``secrets`` are ``secret_key`` strings (32+ characters each), current first. With none, nothing is
    sealed and a sealed value raises :class:`SealError` instead of being handed out as if it were the
    secret (a process started without the key must not send ciphertext to WeCom as a permanent code).

    Raises ValueError for a secret shorter than 32 characters or a repeated secret.
    """

    __slots__ = ("_current", "_keys")

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        if isinstance(secrets, str):
            raise TypeError("Sealer takes a list of secrets; split a comma-separated setting first")
        keys: dict[str, AESGCM] = {}
        current: str | None = None
        for secret in secrets:
            if len(secret) < _MIN_SECRET:
                raise ValueError(f"every secret key must be at least {_MIN_SECRET} characters")
            key = _derive(secret)
            kid = _key_id(key)
            if kid in keys:
                raise ValueError("the same secret key is listed twice")
            keys[kid] = AESGCM(key)
            current = current or kid
        self._keys = keys
        self._current = current

    @property
    def enabled(self) -> bool:
        """True when a key is configured (values are sealed)."""
        return self._current is not None

    @property
    def key_id(self) -> str | None:
        """The id of the current key (the one that seals), or None without keys."""
        return self._current

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key that opens values, current first."""
        return tuple(self._keys)

    def __repr__(self) -> str:  # key ids only: they identify, they do not reveal
        return f"Sealer(key_ids={list(self._keys)!r})"

    # -- bytes ---------------------------------------------------------------------------------------

    def seal(self, plaintext: bytes, part: str, *identity: str) -> bytes:
        """``plaintext`` sealed for ``part`` + ``identity`` (ASCII bytes); unchanged without a key."""
        if self._current is None:
            return plaintext
        nonce = os.urandom(_NONCE_BYTES)
        body = self._keys[self._current].encrypt(nonce, plaintext, _aad(part, identity))
        encoded = base64.urlsafe_b64encode(nonce + body).rstrip(b"=")
        return _PREFIX_BYTES + self._current.encode("ascii") + b":" + encoded

    def open(self, value: bytes, part: str, *identity: str) -> bytes:
        """The plaintext of a value sealed for ``part`` + ``identity``; a plain value as it is.

        Raises :class:`SealError` (a :class:`~wecom_suite.errors.StoreError`) when the value was
        altered or copied from another row, and :class:`UnknownKey` when its key is not configured.
        """
        if not value.startswith(_PREFIX_BYTES):
            return value
        where = "/".join(identity)
        kid_raw, sep, encoded = value[len(_PREFIX_BYTES) :].partition(b":")
        kid = kid_raw.decode("ascii", "replace")[:16]
        cipher = self._keys.get(kid)
        if cipher is None:
            raise UnknownKey(
                f"the {part} of {where} is sealed under key {kid}, which is not configured"
                + ("" if self._keys else " (no secret_key is set)"),
                part=part,
                where=where,
                key_id=kid,
                hint="list the key that sealed it in WECOM_SECRET_KEY (current key first, then previous ones, "
                "comma-separated), or run `wecom-suite store rekey` while it is still listed",
            )
        try:
            raw = base64.b64decode(encoded + b"=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
            if not sep or len(raw) < _NONCE_BYTES + 16:
                raise ValueError("truncated")
            return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(part, identity))
        except (InvalidTag, ValueError, binascii.Error):
            raise SealError(
                f"the {part} of {where} fails authentication under key {kid}: it was altered, or copied "
                "from another row",
                part=part,
                where=where,
                key_id=kid,
                hint="restore it from a backup, or delete it so it is fetched again (tokens) or re-authorised "
                "(a company's permanent code)",
            ) from None

    def is_current(self, value: str | bytes) -> bool:
        """True when ``value`` is sealed under the current key (nothing for ``rekey`` to do)."""
        return self._current is not None and key_id_of(value) == self._current

    # -- text ----------------------------------------------------------------------------------------

    def seal_text(self, plaintext: str, part: str, *identity: str) -> str:
        """:meth:`seal` for text: UTF-8 in, ASCII out (unchanged without a key)."""
        if self._current is None:
            return plaintext
        return self.seal(plaintext.encode("utf-8"), part, *identity).decode("ascii")

    def open_text(self, value: str, part: str, *identity: str) -> str:
        """:meth:`open` for text; a plain value as it is."""
        if not value.startswith(SEALED_PREFIX):
            return value
        return self.open(value.encode("ascii", "replace"), part, *identity).decode("utf-8")
