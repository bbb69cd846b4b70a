"""``msg_signature``: SHA-1 over the sorted token, timestamp, nonce and ciphertext (加解密方案 §签名)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["check_signature", "compute_signature"]


def compute_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """Lower-case hex SHA-1 of the byte-wise sorted concatenation of the four strings."""
    parts = sorted((token.encode(), timestamp.encode(), nonce.encode(), encrypted.encode()))
    return hashlib.sha1(b"".join(parts)).hexdigest()  # noqa: S324 - the protocol mandates SHA-1


def check_signature(token: str, timestamp: str, nonce: str, encrypted: str, signature: str) -> bool:
    """Constant-time comparison of ``signature`` with the expected one (case-insensitive hex)."""
    expected = compute_signature(token, timestamp, nonce, encrypted)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode("ascii", "replace"))
