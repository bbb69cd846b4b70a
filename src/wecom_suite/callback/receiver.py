"""``CallbackReceiver``: query + body in, a verified ``CallbackContext`` (or a reply) out. Sans-I/O.

It holds the seed's ``Server`` configuration (token, current and previous EncodingAESKey, the ids to
accept) and performs every check a callback endpoint needs, in an order that does the cheap and
unauthenticated work first and never parses more than ``max_body_size`` bytes.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping

from ..clock import DEFAULT_CLOCK, Clock
from ..crypto import DecryptedMessage, MsgCrypt, check_signature, compute_signature
from ..errors import CallbackError, CallbackReason
from ..events import event_from_dict
from ..redaction import redact
from ..xml import parse_xml, to_xml
from .context import CallbackContext
from .envelope import parse_envelope
from .in_flight import InFlight
from .receive_id import ReceiveIdSpec, receive_id_matcher
from .replay import ReplayCache

__all__ = ["CallbackReceiver"]

_MAX_PARAM = 4096  # no legitimate query value comes close; longer ones are rejected unread


class CallbackReceiver:
    """Verifies, decrypts and parses WeCom callbacks for one Token/EncodingAESKey pair.

    ``receive_id`` is the receive id the plaintext must end with: a string, a collection of strings
    or a predicate (see docs/protocol.md §1.7). ``suite_id`` (optional) is checked against the
    ``SuiteId`` inside instruction callbacks; ``auth_corp_id`` (optional, same forms as ``receive_id``)
    against the ``AuthCorpId``/``PaidCorpId`` inside, when present; ``provider_corp_id`` (optional) against
    the ``ServiceCorpId`` of provider system events. ``max_timestamp_skew=None`` disables the age check.
    """

    def __init__(
        self,
        token: str,
        encoding_aes_key: str,
        receive_id: ReceiveIdSpec,
        *,
        previous_encoding_aes_key: str | None = None,
        clock: Clock | None = None,
        max_timestamp_skew: float | None = 300,
        max_body_size: int = 1 << 20,
        suite_id: str | None = None,
        auth_corp_id: ReceiveIdSpec | None = None,
        provider_corp_id: str | None = None,
        replay_cache: ReplayCache | None = None,
        match_inner_to_user_name: bool = True,
    ) -> None:
        if not token:
            raise ValueError("token must be the non-empty Token configured in the provider console")
        self.token = token
        # (current, previous) in one attribute, so that a rotation is seen atomically by other threads.
        self._keys: tuple[MsgCrypt, MsgCrypt | None] = (
            MsgCrypt(encoding_aes_key),
            MsgCrypt(previous_encoding_aes_key) if previous_encoding_aes_key else None,
        )
        self._accepts = receive_id_matcher(receive_id)
        self.clock = clock or DEFAULT_CLOCK
        self.max_timestamp_skew = max_timestamp_skew
        self.max_body_size = max_body_size
        self.suite_id = suite_id or None
        self._auth_corp_ok = receive_id_matcher(auth_corp_id) if auth_corp_id is not None else None
        self.provider_corp_id = provider_corp_id or None
        self.replay_cache = replay_cache if replay_cache is not None else ReplayCache(clock=self.clock)
        # The data URL's inner ToUserName must name the receive id; the instruction URL also carries
        # corp-addressed events (sys_approval_change) under the suite's envelope, so it turns this off.
        self.match_inner_to_user_name = match_inner_to_user_name
        self.in_flight = InFlight()  # deliveries whose handlers are running (see callback/delivery.py)
        self._key_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"CallbackReceiver(token={redact(self.token)}, encoding_aes_key={redact(self._keys[0].encoding_aes_key)}, "
            f"suite_id={self.suite_id!r}, previous_key={'set' if self._keys[1] else 'unset'})"
        )

    # -- configuration -------------------------------------------------------------------------

    @property
    def encoding_aes_key(self) -> str:
        return self._keys[0].encoding_aes_key

    @property
    def previous_encoding_aes_key(self) -> str | None:
        previous = self._keys[1]
        return previous.encoding_aes_key if previous else None

    def update_aes_key(self, new_encoding_aes_key: str) -> None:
        """Rotate keys (seed ``UpdateAESKey``): the current key becomes the previous one."""
        new = MsgCrypt(new_encoding_aes_key)
        with self._key_lock:
            current = self._keys[0]
            if new.key == current.key:
                return
            self._keys = (new, current)

    def accepts_receive_id(self, receive_id: str) -> bool:
        return bool(self._accepts(receive_id))

    # -- the two requests ----------------------------------------------------------------------

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The GET URL verification (验证URL有效性): returns the ``echostr`` plaintext to echo."""
        signature, timestamp, nonce = self._common_params(query)
        echostr = _param(query, "echostr")
        self._check_signature(timestamp, nonce, echostr, signature)
        self._check_timestamp(timestamp)
        decrypted, _ = self._decrypt(echostr)
        try:
            return decrypted.message.decode("utf-8")
        except UnicodeDecodeError:
            raise CallbackError(CallbackReason.ILLEGAL_BUFFER, "echostr plaintext is not UTF-8") from None

    def open(self, query: Mapping[str, str], body: bytes) -> CallbackContext:
        """Verify, decrypt and parse one POSTed callback. Raises only ``CallbackError``.

        The checks run cheapest and unauthenticated first (docs/callbacks.md, "What ``open()`` checks").
        """
        if len(body) > self.max_body_size:
            raise CallbackError(
                CallbackReason.BODY_TOO_LARGE, f"body is {len(body)} bytes, the limit is {self.max_body_size}"
            )
        signature, timestamp, nonce = self._common_params(query)
        envelope = parse_envelope(body)
        self._check_signature(timestamp, nonce, envelope.encrypt, signature)
        ts = self._check_timestamp(timestamp)
        if envelope.to_user_name and not self._accepts(envelope.to_user_name):
            raise CallbackError(
                CallbackReason.TO_USER_NAME_MISMATCH,
                f"ToUserName {envelope.to_user_name[:64]!r} is not an accepted receive id",
            )
        decrypted, _ = self._decrypt(envelope.encrypt)
        fields = parse_xml(decrypted.message)
        self._check_inner(fields, envelope.to_user_name, decrypted.receive_id)
        digest = hashlib.sha256(decrypted.receive_id.encode("utf-8") + decrypted.message).hexdigest()
        agent = envelope.agent_id
        return CallbackContext(
            query=query,
            msg_signature=signature,
            timestamp=ts,
            nonce=nonce,
            to_user_name=envelope.to_user_name,
            agent_id=int(agent) if agent.isascii() and agent.isdigit() and len(agent) < 19 else None,
            encrypted=envelope.encrypt,
            raw_xml=decrypted.message,
            event=event_from_dict(fields),
            random=decrypted.random,
            receive_id=decrypted.receive_id,
            digest=digest,
            duplicate=digest in self.replay_cache,
        )

    def acknowledge(self, ctx: CallbackContext) -> None:
        """Remember ``ctx`` as handled, so that a redelivery of it opens with ``duplicate=True``.

        Called after the handler succeeded (not in ``open``), so a delivery whose handler failed is
        dispatched again when WeCom retries: at-least-once, never lost.
        """
        self.replay_cache.add(ctx.digest)

    def encrypt_reply(
        self, plaintext: str, receive_id: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> str:
        """The passive encrypted reply XML (``<Encrypt>/<MsgSignature>/<TimeStamp>/<Nonce>``)."""
        ts = str(int(self.clock.now()) if timestamp is None else int(timestamp))
        nonce_text = nonce if nonce is not None else str(int.from_bytes(os.urandom(4), "big"))
        encrypted = self._keys[0].encrypt(plaintext, receive_id)
        signature = compute_signature(self.token, ts, nonce_text, encrypted)
        return to_xml({"Encrypt": encrypted, "MsgSignature": signature, "TimeStamp": int(ts), "Nonce": nonce_text})

    # -- the checks ----------------------------------------------------------------------------

    @staticmethod
    def _common_params(query: Mapping[str, str]) -> tuple[str, str, str]:
        timestamp = _param(query, "timestamp")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise CallbackError(CallbackReason.MISSING_PARAMETER, "timestamp must be decimal Unix seconds")
        return _param(query, "msg_signature"), timestamp, _param(query, "nonce")

    def _check_signature(self, timestamp: str, nonce: str, encrypted: str, signature: str) -> None:
        if not check_signature(self.token, timestamp, nonce, encrypted, signature):
            raise CallbackError(
                CallbackReason.VALIDATE_SIGNATURE, "msg_signature does not match (wrong Token or tampered request)"
            )

    def _check_timestamp(self, timestamp: str) -> int:
        ts = int(timestamp)  # format already checked by _common_params
        skew = self.max_timestamp_skew
        if skew is not None:
            age = self.clock.now() - ts
            if abs(age) > skew:
                raise CallbackError(
                    CallbackReason.STALE_TIMESTAMP,
                    f"timestamp is {age:+.0f}s away from now; at most {skew:g}s are allowed (check the server clock)",
                )
        return ts

    def _decrypt(self, encrypted: str) -> tuple[DecryptedMessage, MsgCrypt]:
        """Try the current key, then the previous one (key rotation); the current key's error wins."""
        crypt, previous = self._keys
        try:
            decrypted = crypt.decrypt(encrypted)
            if self._accepts(decrypted.receive_id):
                return decrypted, crypt
            error = CallbackError(
                CallbackReason.RECEIVE_ID_MISMATCH,
                f"receive id {decrypted.receive_id[:64]!r} is not accepted by this endpoint",
            )
        except CallbackError as exc:
            error = exc
        if previous is not None and error.reason is not CallbackReason.DECODE_BASE64:
            try:
                decrypted = previous.decrypt(encrypted)
            except CallbackError:
                raise error from None
            if self._accepts(decrypted.receive_id):
                return decrypted, previous
        raise error

    def _check_inner(self, fields: Mapping[str, object], to_user_name: str, receive_id: str) -> None:
        """The decrypted document must agree with the envelope and the configuration."""
        inner_suite = fields.get("SuiteId")
        if self.suite_id is not None and isinstance(inner_suite, str) and inner_suite != self.suite_id:
            raise CallbackError(
                CallbackReason.SUITE_ID_MISMATCH,
                f"SuiteId {inner_suite[:64]!r} inside the ciphertext is not this suite ({self.suite_id})",
            )
        if inner_suite is not None and not isinstance(inner_suite, str):
            raise CallbackError(CallbackReason.MALFORMED_XML, "SuiteId must be a single text element")
        inner_to = fields.get("ToUserName")
        if inner_to is not None and self.match_inner_to_user_name:  # data callbacks: to the authorising corp
            if not isinstance(inner_to, str):
                raise CallbackError(CallbackReason.MALFORMED_XML, "ToUserName must be a single text element")
            if (to_user_name and inner_to != to_user_name) or (receive_id and inner_to != receive_id):
                raise CallbackError(
                    CallbackReason.TO_USER_NAME_MISMATCH,
                    f"inner ToUserName {inner_to[:64]!r} disagrees with the envelope or the receive id",
                )
        if self._auth_corp_ok is not None:
            for tag in ("AuthCorpId", "PaidCorpId"):
                corp = fields.get(tag)
                if corp is not None and not (isinstance(corp, str) and self._auth_corp_ok(corp)):
                    shown = corp[:64] if isinstance(corp, str) else "(not a single text element)"
                    raise CallbackError(
                        CallbackReason.CORP_ID_MISMATCH,
                        f"{tag} {shown!r} inside the ciphertext is not an allowed company",
                    )
        service = fields.get("ServiceCorpId")
        if self.provider_corp_id is not None and service is not None and service != self.provider_corp_id:
            shown = service[:64] if isinstance(service, str) else "(not a single text element)"
            raise CallbackError(
                CallbackReason.CORP_ID_MISMATCH,
                f"ServiceCorpId {shown!r} inside the ciphertext is not this provider ({self.provider_corp_id})",
            )
        info_type = fields.get("InfoType")
        if info_type is not None and not isinstance(info_type, str):
            raise CallbackError(CallbackReason.MALFORMED_XML, "InfoType must be a single text element")


def _param(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    if not isinstance(value, str) or not value:
        raise CallbackError(CallbackReason.MISSING_PARAMETER, f"query parameter {name!r} is missing or empty")
    if len(value) > _MAX_PARAM and name != "echostr":
        raise CallbackError(CallbackReason.MISSING_PARAMETER, f"query parameter {name!r} is implausibly long")
    return value
