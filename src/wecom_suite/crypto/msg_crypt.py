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
import struct
import sys
import threading
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..errors import CallbackError, CallbackReason
from ..redaction import redact
from .aes_key import decode_encoding_aes_key

__all__ = ["BLOCK_SIZE", "DecryptedMessage", "MsgCrypt"]

BLOCK_SIZE = 32  # WeCom's padding block (not AES's 16)


_PADDING_OF = {n: bytes((n,)) * n for n in range(1, BLOCK_SIZE + 1)}  # last byte -> the whole padding
_LENGTH = struct.Struct(">I")  # the big-endian message length after the 16 random bytes

if sys.version_info >= (3, 11):
    _b64decode = functools.partial(binascii.a2b_base64, strict_mode=True)  # C all the way: no Python frame

else:  # pragma: no cover - Python 3.10 has no strict mode in C

    def _b64decode(data: str | bytes) -> bytes:
        return base64.b64decode(data, validate=True)


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
    ciphertext block, so before each message the IV is fed through the context as a dummy ciphertext
    block (its output discarded): the message then chains from the IV exactly as in a fresh context.
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
        size = len(raw)
        if size % 16 or size < BLOCK_SIZE:
            if not size or size % 16:
                raise CallbackError(
                    CallbackReason.DECRYPT_AES, f"ciphertext length {size} is not a positive multiple of 16"
                )
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "ciphertext is shorter than the smallest message")
        try:
            context: Any = self._local.context
        except AttributeError:
            context = self._local.context = self._cipher.decryptor()
        try:
            context.update(self._iv)  # this message chains from the IV, whatever came before (class docstring)
            plain: bytes = context.update(raw)  # CBC without padding: finalize() would add nothing
        except Exception as exc:  # pragma: no cover - OpenSSL does not fail on whole blocks
            del self._local.context
            raise CallbackError(CallbackReason.DECRYPT_AES, f"AES decryption failed ({type(exc).__name__})") from None
        padding = _PADDING_OF.get(plain[-1])  # None unless the last byte is 1..32
        if padding is None or not plain.endswith(padding):
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "invalid padding (wrong key or tampered ciphertext)")
        end = size - plain[-1]
        (length,) = _LENGTH.unpack_from(plain, 16)
        if length > end - 20:
            if end < 20:  # (reading the prefix was still safe: there are at least 32 bytes)
                raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "decrypted buffer is shorter than its header")
            raise CallbackError(
                CallbackReason.ILLEGAL_BUFFER, f"length prefix {length} exceeds the {end - 20} bytes present"
            )
        try:
            receive_id = plain[20 + length : end].decode("utf-8")
        except UnicodeDecodeError:
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "receive id is not UTF-8") from None
        return DecryptedMessage(plain[20 : 20 + length], receive_id, plain[:16])
