"""Why a callback was rejected: stable reason codes, as in Tencent's WXBizMsgCrypt plus our own."""

from __future__ import annotations

from enum import Enum

from .base import WeComSuiteError

__all__ = ["CallbackError", "CallbackReason"]


class CallbackReason(str, Enum):
    """Stable reason codes. The first eleven carry the official library's numeric code (``ierror``)."""

    VALIDATE_SIGNATURE = "validate_signature"  # -40001
    PARSE_XML = "parse_xml"  # -40002
    COMPUTE_SIGNATURE = "compute_signature"  # -40003
    ILLEGAL_AES_KEY = "illegal_aes_key"  # -40004
    VALIDATE_RECEIVE_ID = "validate_receive_id"  # -40005 (ValidateCorpid_Error)
    ENCRYPT_AES = "encrypt_aes"  # -40006
    DECRYPT_AES = "decrypt_aes"  # -40007
    ILLEGAL_BUFFER = "illegal_buffer"  # -40008
    ENCODE_BASE64 = "encode_base64"  # -40009
    DECODE_BASE64 = "decode_base64"  # -40010
    GEN_RETURN_XML = "gen_return_xml"  # -40011
    # Our own, beyond the official library.
    STALE_TIMESTAMP = "stale_timestamp"
    BODY_TOO_LARGE = "body_too_large"
    RECEIVE_ID_MISMATCH = "receive_id_mismatch"
    TO_USER_NAME_MISMATCH = "to_user_name_mismatch"
    SUITE_ID_MISMATCH = "suite_id_mismatch"
    CORP_ID_MISMATCH = "corp_id_mismatch"  # inner AuthCorpId/PaidCorpId/ServiceCorpId not allowed by the configuration
    MALFORMED_XML = "malformed_xml"
    FORBIDDEN_XML = "forbidden_xml"
    MISSING_PARAMETER = "missing_parameter"

    @property
    def official_code(self) -> int | None:
        """The WXBizMsgCrypt ``ierror`` code (-40001..-40011), or None for our own reasons.

        ``receive_id_mismatch`` is our name for the official -40005 (ValidateCorpid_Error) and carries it."""
        return _OFFICIAL.get(self)


_OFFICIAL: dict[CallbackReason, int] = {
    reason: -40001 - i
    for i, reason in enumerate(
        [
            CallbackReason.VALIDATE_SIGNATURE,
            CallbackReason.PARSE_XML,
            CallbackReason.COMPUTE_SIGNATURE,
            CallbackReason.ILLEGAL_AES_KEY,
            CallbackReason.VALIDATE_RECEIVE_ID,
            CallbackReason.ENCRYPT_AES,
            CallbackReason.DECRYPT_AES,
            CallbackReason.ILLEGAL_BUFFER,
            CallbackReason.ENCODE_BASE64,
            CallbackReason.DECODE_BASE64,
            CallbackReason.GEN_RETURN_XML,
        ]
    )
}
_OFFICIAL[CallbackReason.RECEIVE_ID_MISMATCH] = -40005


_HINTS: dict[CallbackReason, str] = {
    CallbackReason.VALIDATE_SIGNATURE: "check that the Token matches the provider console and that no proxy "
    "rewrites the query string (a '+' must stay a '+')",
    CallbackReason.PARSE_XML: "the POST body must be WeCom's <xml> envelope with exactly one <Encrypt>",
    CallbackReason.ILLEGAL_AES_KEY: "copy the 43-character EncodingAESKey from the provider console again",
    CallbackReason.DECRYPT_AES: "the ciphertext was truncated or altered before it reached this server",
    CallbackReason.ENCRYPT_AES: "pass random=None, or exactly 16 bytes",
    CallbackReason.ILLEGAL_BUFFER: "the EncodingAESKey differs from the console's (after a key change, pass the old "
    "one as previous_encoding_aes_key) or the request was tampered with",
    CallbackReason.DECODE_BASE64: "the <Encrypt> or echostr value was altered in transit (check proxies and URL "
    "decoding)",
    CallbackReason.STALE_TIMESTAMP: "check this server's clock (NTP); raise max_timestamp_skew only if delays are real",
    CallbackReason.BODY_TOO_LARGE: "WeCom's callbacks are small; raise max_body_size only if a real one was rejected",
    CallbackReason.RECEIVE_ID_MISMATCH: "configure receive_id with the suite id (instruction URL), the provider corp "
    "id (GET verification) or the authorising corp ids (data URL)",
    CallbackReason.TO_USER_NAME_MISMATCH: "the callback is addressed to another suite or corp: check which URL "
    "it was configured on, and receive_id",
    CallbackReason.SUITE_ID_MISMATCH: "this URL receives another suite's callbacks: check suite_id and the console",
    CallbackReason.CORP_ID_MISMATCH: "the callback names a company (or provider) this receiver is not configured "
    "for: check auth_corp_id / provider_corp_id",
    CallbackReason.MALFORMED_XML: "the payload is not well-formed XML; nothing to do unless it comes from WeCom",
    CallbackReason.FORBIDDEN_XML: "DTDs and entities are never sent by WeCom: this request is hostile or broken",
    CallbackReason.MISSING_PARAMETER: "WeCom always sends msg_signature, timestamp and nonce (and echostr on GET): "
    "check the URL and any proxy in front of it",
}


class CallbackError(WeComSuiteError):
    """A callback that cannot be accepted. ``reason`` is stable; ``detail`` is for humans (no secrets).

    Web layers answer these with HTTP 400 and ``reason: detail`` in the body, never a 5xx.
    """

    def __init__(self, reason: CallbackReason | str, detail: str = "") -> None:
        self.reason = CallbackReason(reason)
        self.detail = detail
        super().__init__(
            f"{self.reason.value}: {detail}" if detail else self.reason.value, hint=_HINTS.get(self.reason)
        )

    @property
    def official_code(self) -> int | None:
        return self.reason.official_code

    def __repr__(self) -> str:
        return f"CallbackError({self.reason.value!r}, {self.detail!r})"
