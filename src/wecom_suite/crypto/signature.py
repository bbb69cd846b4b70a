"""``msg_signature``: SHA-1 over the sorted token, timestamp, nonce and ciphertext (https://developer.work.weixin.qq.com/document/path/91144)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["check_signature", "compute_signature"]

_sha1 = hashlib.sha1
_compare = hmac.compare_digest


def compute_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """Lower-case hex SHA-1 of the byte-wise sorted concatenation of the four strings.

    Sorting the ``str`` values equals sorting their UTF-8 bytes (UTF-8 preserves code point order),
    so one encode of the joined text suffices.
    """
    joined = "".join(sorted((token, timestamp, nonce, encrypted)))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()  # noqa: S324 - the protocol mandates SHA-1


def check_signature(token: str, timestamp: str, nonce: str, encrypted: str, signature: str) -> bool:
    """Constant-time comparison of ``signature`` with the expected one (case-insensitive hex)."""
    if not signature.isascii():
        return False
    try:  # compute_signature, inlined: this runs on every callback
        expected = _sha1("".join(sorted((token, timestamp, nonce, encrypted))).encode("utf-8")).hexdigest()
    except UnicodeEncodeError:  # lone surrogates cannot come from a real query string
        return False
    # WeCom sends lower-case hex, so the exact comparison nearly always decides; both are constant-time.
    return _compare(expected, signature) or _compare(expected, signature.strip().lower())
