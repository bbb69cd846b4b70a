"""WXBizMsgCrypt-compatible AES-256-CBC message encryption, with no I/O.

Plaintext layout: ``random(16) || uint32_be(len(msg)) || msg || receive_id``, padded PKCS#7-style to
a multiple of **32** bytes (so a pad byte is 1..32, never 0), encrypted with AES-256-CBC using the
first 16 key bytes as IV, then base64-encoded. Decryption validates every byte it relies on and
raises only :class:`~wecom_suite.errors.CallbackError`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import sys
import threading
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..errors import CallbackError, CallbackReason
from ..redaction import redact
from .aes_key import decode_encoding_aes_key

__all__ = ["BLOCK_SIZE", "DecryptedMessage", "MsgCrypt"]

BLOCK_SIZE = 32  # WeCom's padding block (not AES's 16)


_PADS = [bytes((n,)) * n for n in range(BLOCK_SIZE + 1)]

if sys.version_info >= (3, 11):
    _b64decode = functools.partial(binascii.a2b_base64, strict_mode=True)  # C all the way: no Python frame

else:  # pragma: no cover - Python 3.10 has no strict mode in C

    def _b64decode(data: str | bytes) -> bytes:
        return base64.b64decode(data, validate=True)


_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (hot path)


class DecryptedMessage(NamedTuple):
    """What a ciphertext carried: the message bytes, the receive id and the random prefix."""

    message: bytes
    receive_id: str
    random: bytes

    def __repr__(self) -> str:
        return f"DecryptedMessage(message=<{len(self.message)} bytes>, receive_id={self.receive_id!r})"


class MsgCrypt:
    """Encrypts and decrypts with one EncodingAESKey. Immutable and thread-safe.

    Decryption reuses one CBC context per thread instead of creating one per message (creating it
    costs about as much as decrypting a small message). CBC chains each block from the previous
    ciphertext block, so after each message the IV is fed through the context as a dummy ciphertext
    block (its output discarded): the next message then chains from the IV exactly like a fresh context.
    """

    __slots__ = ("_cipher", "_iv", "_local", "encoding_aes_key", "key")

    def __init__(self, encoding_aes_key: str) -> None:
        try:
            self.key = decode_encoding_aes_key(encoding_aes_key)
        except ValueError as exc:
            raise CallbackError(CallbackReason.ILLEGAL_AES_KEY, str(exc)) from None
        self.encoding_aes_key = encoding_aes_key
        self._cipher = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))
        self._iv = self.key[:16]
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"MsgCrypt(encoding_aes_key={redact(self.encoding_aes_key)})"

    def encrypt(self, message: bytes | str, receive_id: str, *, random: bytes | None = None) -> str:
        """Encrypt ``message`` for ``receive_id``; returns the base64 text that goes in ``<Encrypt>``."""
        msg = message.encode("utf-8") if isinstance(message, str) else message
        rnd = os.urandom(16) if random is None else random
        if len(rnd) != 16:
            raise CallbackError(CallbackReason.ENCRYPT_AES, "the random prefix must be 16 bytes")
        plain = b"".join((rnd, len(msg).to_bytes(4, "big"), msg, receive_id.encode("utf-8")))
        pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE
        plain += bytes((pad,)) * pad
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str | bytes) -> DecryptedMessage:
        """Decrypt and validate the base64 ciphertext; never raises anything but ``CallbackError``."""
        try:
            raw = _b64decode(encrypted)
        except (binascii.Error, ValueError) as exc:
            raise CallbackError(CallbackReason.DECODE_BASE64, f"ciphertext is not valid base64 ({exc})") from None
        if not raw or len(raw) % 16:
            raise CallbackError(
                CallbackReason.DECRYPT_AES, f"ciphertext length {len(raw)} is not a positive multiple of 16"
            )
        if len(raw) < BLOCK_SIZE:
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "ciphertext is shorter than the smallest message")
        context: Any = getattr(self._local, "context", None)
        if context is None:
            context = self._local.context = self._cipher.decryptor()
        try:
            plain: bytes = context.update(raw)  # CBC without padding: finalize() would add nothing
            context.update(self._iv)  # the next message chains from the IV again (see the class docstring)
        except Exception as exc:  # pragma: no cover - OpenSSL does not fail on whole blocks
            self._local.context = None
            raise CallbackError(CallbackReason.DECRYPT_AES, f"AES decryption failed ({type(exc).__name__})") from None
        pad = plain[-1]
        if not 1 <= pad <= BLOCK_SIZE or pad > len(plain) or not plain.endswith(_PADS[pad]):
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "invalid padding (wrong key or tampered ciphertext)")
        end = len(plain) - pad
        if end < 20:
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "decrypted buffer is shorter than its header")
        length = int.from_bytes(plain[16:20], "big")
        if length > end - 20:
            raise CallbackError(
                CallbackReason.ILLEGAL_BUFFER, f"length prefix {length} exceeds the {end - 20} bytes present"
            )
        try:
            receive_id = plain[20 + length : end].decode("utf-8")
        except UnicodeDecodeError:
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "receive id is not UTF-8") from None
        return _new_tuple(DecryptedMessage, (plain[20 : 20 + length], receive_id, plain[:16]))
