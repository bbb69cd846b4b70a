"""WXBizMsgCrypt-compatible AES-256-CBC message encryption, with no I/O.

Plaintext layout: ``random(16) || uint32_be(len(msg)) || msg || receive_id``, padded PKCS#7-style to
a multiple of **32** bytes (so a pad byte is 1..32, never 0), encrypted with AES-256-CBC using the
first 16 key bytes as IV, then base64-encoded. Decryption validates every byte it relies on and
raises only :class:`~wecom_suite.errors.CallbackError`.
"""

from __future__ import annotations

import base64
import binascii
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

    def _b64decode(data: str | bytes) -> bytes:
        return binascii.a2b_base64(data, strict_mode=True)

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
    costs about as much as decrypting a small message). A reused context chains from the previous
    message's last ciphertext block instead of the IV, which only garbles the first plaintext block;
    that block is the random prefix, and it is corrected by XOR-ing the difference back in.
    """

    __slots__ = ("_cipher", "_iv", "_iv_int", "_local", "encoding_aes_key", "key")

    def __init__(self, encoding_aes_key: str) -> None:
        try:
            self.key = decode_encoding_aes_key(encoding_aes_key)
        except ValueError as exc:
            raise CallbackError(CallbackReason.ILLEGAL_AES_KEY, str(exc)) from None
        self.encoding_aes_key = encoding_aes_key
        self._cipher = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))
        self._iv = self.key[:16]
        self._iv_int = int.from_bytes(self._iv, "big")
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
        state: list[Any] | None = getattr(self._local, "state", None)  # [context, last ciphertext block]
        if state is None:
            state = self._local.state = [self._cipher.decryptor(), self._iv]
        chained_from: bytes = state[1]
        try:
            plain: bytes = state[0].update(raw)  # CBC without padding: finalize() would add nothing
        except Exception as exc:  # pragma: no cover - OpenSSL does not fail on whole blocks
            self._local.state = None
            raise CallbackError(CallbackReason.DECRYPT_AES, f"AES decryption failed ({type(exc).__name__})") from None
        state[1] = raw[-16:]
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
        random = plain[:16]
        if chained_from != self._iv:
            fix = int.from_bytes(chained_from, "big") ^ self._iv_int
            random = (int.from_bytes(random, "big") ^ fix).to_bytes(16, "big")
        return _new_tuple(DecryptedMessage, (plain[20 : 20 + length], receive_id, random))
