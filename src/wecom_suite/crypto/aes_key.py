"""EncodingAESKey (43 characters in the console) -> the 32-byte AES-256 key."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import string

from ..errors import CallbackError, CallbackReason

__all__ = ["decode_encoding_aes_key", "generate_encoding_aes_key"]

_ALPHABET = re.compile(r"[A-Za-z0-9+/]{43}")


def decode_encoding_aes_key(encoding_aes_key: str) -> bytes:
    """Decode an EncodingAESKey into its 32-byte AES key.

    The key is 43 base64 characters; WeCom appends ``=`` and decodes. Real keys often have non-zero
    trailing bits in the last character (258 bits for a 256-bit key), which strict base64 decoders
    reject: we decode leniently about those bits, as the official libraries do, and reject anything
    else with a ``ValueError`` that names the problem.
    """
    if not isinstance(encoding_aes_key, str):
        raise ValueError(f"EncodingAESKey must be a str, not {type(encoding_aes_key).__name__}")
    if encoding_aes_key != encoding_aes_key.strip() or any(c.isspace() for c in encoding_aes_key):
        raise ValueError(
            f"EncodingAESKey contains whitespace ({len(encoding_aes_key)} characters with it); "
            "remove the spaces or line breaks copied with it"
        )
    if len(encoding_aes_key) != 43:
        raise ValueError(f"EncodingAESKey must be exactly 43 characters, got {len(encoding_aes_key)}")
    if not _ALPHABET.fullmatch(encoding_aes_key):
        raise ValueError("EncodingAESKey may contain only letters, digits, '+' and '/'")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:  # pragma: no cover - the regex above already excludes this
        raise ValueError(f"EncodingAESKey is not valid base64: {exc}") from None
    if len(key) != 32:  # pragma: no cover - 43 base64 chars always give 32 bytes
        raise ValueError(f"EncodingAESKey decodes to {len(key)} bytes, expected 32")
    return key


def encoding_aes_key_error(encoding_aes_key: str) -> CallbackError:
    """The -40004 (IllegalAesKey) error for a key that does not decode (for callers that want one)."""
    try:
        decode_encoding_aes_key(encoding_aes_key)
    except ValueError as exc:
        return CallbackError(CallbackReason.ILLEGAL_AES_KEY, str(exc))
    return CallbackError(CallbackReason.ILLEGAL_AES_KEY, "")


_GENERATED_ALPHABET = string.ascii_letters + string.digits


def generate_encoding_aes_key() -> str:
    """A fresh random EncodingAESKey to paste into the provider console (``wecom-suite keygen``).

    43 characters from a-z, A-Z and 0-9 only: WeCom's console defines the key that way and may refuse
    ``+`` or ``/`` (https://developer.work.weixin.qq.com/document/path/90968). Every such string is still
    valid base64, so it decodes to a 32-byte key like any other. About 256 bits of randomness (43 x 5.95).
    """
    return "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(43))
