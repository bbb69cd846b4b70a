"""A reference receiver, written the way Tencent's WXBizMsgCrypt sample plus ElementTree does the job.

``bench/callback.py`` times ``CallbackReceiver.open`` against this in the same run. It follows the
sample's steps (docs/protocol.md §1.3-1.4): ElementTree parses the POST body and ``find``s ``<Encrypt>``,
the four strings are sorted and SHA-1'd, a new AES-CBC cipher is made per message, the padding and
length prefix are cut, and the receive id compared. The application then parses the plaintext with
``ElementTree.fromstring`` into the same nested dict shape ``parse_xml`` produces (leaves as text,
repeated tags as lists), since that is what ``open()`` hands over as ``event.raw``. It does none of the
rest of ``open()``'s work (timestamp window, DTD refusal, typed event, digest, duplicate lookup): it is
the baseline a hand-written receiver starts from.

The AES step is the sample's own: PyCryptodome (``from Crypto.Cipher import AES``, ``AES.new`` per
message). ``aes="cryptography"`` swaps in the ``cryptography`` package that wecom-suite itself uses,
which makes a faster and therefore stricter reference; ``bench/callback.py`` prints both.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["WXBizReference"]


class WXBizReference:
    """``handle(body, query)`` -> the plaintext's fields as a dict; raises ``ValueError`` on any failure."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str, *, aes: str = "pycryptodome") -> None:
        self.token = token
        self.key = base64.b64decode(encoding_aes_key + "=")
        self.receive_id = receive_id
        self._new_decryptor = _pycryptodome if aes == "pycryptodome" else _cryptography

    def decrypt_msg(self, post_data: bytes, msg_signature: str, timestamp: str, nonce: str) -> bytes:
        tree = ET.fromstring(post_data)  # noqa: S314
        encrypt_node = tree.find("Encrypt")
        if encrypt_node is None or not encrypt_node.text:
            raise ValueError("-40002 ParseXml_Error")
        encrypt = encrypt_node.text
        parts = [self.token, timestamp, nonce, encrypt]
        parts.sort()
        if hashlib.sha1("".join(parts).encode()).hexdigest() != msg_signature:  # noqa: S324
            raise ValueError("-40001 ValidateSignature_Error")
        plain = self._new_decryptor(self.key)(base64.b64decode(encrypt))
        pad = plain[-1]
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        xml_content = content[4 : length + 4]
        if content[length + 4 :].decode("utf-8") != self.receive_id:
            raise ValueError("-40005 ValidateCorpid_Error")
        return xml_content

    def handle(self, post_data: bytes, query: dict[str, str]) -> dict[str, Any]:
        message = self.decrypt_msg(post_data, query["msg_signature"], query["timestamp"], query["nonce"])
        value = _as_dict(ET.fromstring(message))  # noqa: S314
        return value if isinstance(value, dict) else {}


def _pycryptodome(key: bytes) -> Callable[[bytes], bytes]:
    return AES.new(key, AES.MODE_CBC, key[:16]).decrypt  # type: ignore[no-any-return]


def _cryptography(key: bytes) -> Callable[[bytes], bytes]:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return lambda data: decryptor.update(data) + decryptor.finalize()


def _as_dict(elem: ET.Element) -> Any:
    if len(elem) == 0:
        return elem.text or ""
    out: dict[str, Any] = {}
    for child in elem:
        value = _as_dict(child)
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    return out
