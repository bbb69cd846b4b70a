"""Callback cryptography (WXBizMsgCrypt-compatible): pure functions, no I/O."""

from .aes_key import decode_encoding_aes_key, generate_encoding_aes_key
from .msg_crypt import BLOCK_SIZE, DecryptedMessage, MsgCrypt
from .signature import check_signature, compute_signature

__all__ = [
    "BLOCK_SIZE",
    "DecryptedMessage",
    "MsgCrypt",
    "check_signature",
    "compute_signature",
    "decode_encoding_aes_key",
    "generate_encoding_aes_key",
]
