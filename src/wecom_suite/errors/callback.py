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
    MALFORMED_XML = "malformed_xml"
    FORBIDDEN_XML = "forbidden_xml"
    MISSING_PARAMETER = "missing_parameter"

    @property
    def official_code(self) -> int | None:
        """The WXBizMsgCrypt ``ierror`` code (-40001..-40011), or None for our own reasons."""
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


class CallbackError(WeComSuiteError):
    """A callback that cannot be accepted. ``reason`` is stable; ``detail`` is for humans (no secrets).

    Web layers answer these with HTTP 400 and ``reason: detail`` in the body, never a 5xx.
    """

    def __init__(self, reason: CallbackReason | str, detail: str = "") -> None:
        self.reason = CallbackReason(reason)
        self.detail = detail
        super().__init__(f"{self.reason.value}: {detail}" if detail else self.reason.value)

    @property
    def official_code(self) -> int | None:
        return self.reason.official_code

    def __repr__(self) -> str:
        return f"CallbackError({self.reason.value!r}, {self.detail!r})"
