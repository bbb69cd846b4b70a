"""The signed hand-off (登录凭证交接): how the suite service tells the provider's own site who signed in.

After an install or a sign-in the browser is redirected to the provider's page with
``?wecom_handoff=TOKEN`` instead of raw ``corp_id``/``userid`` query parameters, which anyone could
type. The token is ``v1.<payload>.<mac>``: a compact JSON payload (kind, audience = suite id, corp id,
userid, open_userid, issued-at, expiry, nonce) in base64url, and an HMAC-SHA256 over ``v1.<payload>``.

The key is derived with HKDF-SHA256 (RFC 5869) from ``secret_key`` (``WECOM_SECRET_KEY``) when it is
configured, else from the suite secret, under a fixed label: the suite secret itself is never used
as a MAC key, and rotating either secret invalidates tokens in flight (they live 120 s anyway).

:class:`HandoffSigner` is pure (time comes in as an argument); :class:`Handoffs` adds single use by
recording each token's nonce in the install state store until it is verified once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from ..clock import Clock
from ..errors import WeComSuiteError
from ..stores.install_states import InstallStates

__all__ = ["HANDOFF_LIFETIME", "HANDOFF_PARAM", "Handoff", "HandoffError", "HandoffSigner", "Handoffs", "hkdf_sha256"]

HANDOFF_LIFETIME = 120.0  # seconds: long enough for one redirect, short enough that a leaked URL is stale
HANDOFF_PARAM = "wecom_handoff"  # the query parameter the token travels in
KINDS = ("login", "install")
_VERSION = "v1"
_LABEL = b"wecom-suite hand-off token v1"
_CLOCK_SKEW = 30.0  # seconds a token's issued-at may lie ahead of this host's clock (several hosts)
_MAX_TOKEN = 2048  # bytes; a genuine token is a few hundred


class HandoffError(WeComSuiteError):
    """A hand-off token that must not be trusted; ``reason`` is one of ``malformed``, ``bad_signature``,
    ``expired``, ``not_yet_valid``, ``wrong_audience``, ``wrong_kind``, ``already_used``."""

    hint = "send the user through the sign-in (or install) again; never trust ids taken from a query string"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Handoff:
    """A verified hand-off: who (``corp_id``, ``userid``/``open_userid``) did what (``kind``) for which suite.

    ``kind`` is ``"login"`` (a member signed in) or ``"install"`` (an administrator installed the app:
    ``userid`` is empty). Times are Unix seconds.
    """

    kind: str
    suite_id: str
    corp_id: str
    userid: str
    open_userid: str
    issued_at: int
    expires_at: int
    nonce: str


def hkdf_sha256(ikm: bytes, *, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF (RFC 5869) with SHA-256: extract, then expand to ``length`` bytes (at most 8160)."""
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


class HandoffSigner:
    """Signs and checks hand-off tokens for one suite (sans-I/O: the caller passes ``now``).

    ``secret`` is the configured ``secret_key`` or, without one, the suite secret; ``suite_id`` is the
    audience every token carries and every check requires.
    """

    __slots__ = ("_key", "lifetime", "suite_id")

    def __init__(self, secret: str, suite_id: str, *, lifetime: float = HANDOFF_LIFETIME) -> None:
        if not secret:
            raise ValueError("a hand-off key needs a secret (secret_key or the suite secret)")
        self._key = hkdf_sha256(secret.encode("utf-8"), salt=b"wecom-suite", info=_LABEL + b"|" + suite_id.encode())
        self.suite_id = suite_id
        self.lifetime = lifetime

    def __repr__(self) -> str:  # the key never shows
        return f"HandoffSigner(suite_id={self.suite_id!r}, lifetime={self.lifetime:g})"

    def _mac(self, signed: str) -> bytes:
        return hmac.new(self._key, signed.encode("ascii"), hashlib.sha256).digest()

    def sign(
        self, kind: str, corp_id: str, *, now: float, userid: str = "", open_userid: str = "", nonce: str = ""
    ) -> tuple[str, Handoff]:
        """A fresh token and what it says; ``nonce`` defaults to 16 random bytes."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if not corp_id:
            raise ValueError("corp_id is required")
        issued = int(now)
        handoff = Handoff(
            kind=kind,
            suite_id=self.suite_id,
            corp_id=corp_id,
            userid=userid,
            open_userid=open_userid,
            issued_at=issued,
            expires_at=issued + int(self.lifetime),
            nonce=nonce or _b64(secrets.token_bytes(16)),
        )
        payload = {
            "k": handoff.kind,
            "aud": handoff.suite_id,
            "c": handoff.corp_id,
            "u": handoff.userid,
            "o": handoff.open_userid,
            "iat": handoff.issued_at,
            "exp": handoff.expires_at,
            "n": handoff.nonce,
        }
        body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        signed = f"{_VERSION}.{body}"
        return f"{signed}.{_b64(self._mac(signed))}", handoff

    def verify(self, token: str, *, now: float, kind: str | None = None) -> Handoff:
        """The hand-off a token carries, if it is genuine, for this suite, of ``kind`` and not expired.

        Raises :class:`HandoffError` (``reason`` says which check failed). The MAC is checked in
        constant time before anything in the payload is looked at.
        """
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN or not token.isascii():
            raise HandoffError("malformed", "the hand-off token is missing or not a token")
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            raise HandoffError("malformed", "the hand-off token is not a v1 token")
        try:
            mac = _unb64(parts[2])
        except ValueError:
            raise HandoffError("malformed", "the hand-off token's signature is not base64url") from None
        if not hmac.compare_digest(mac, self._mac(f"{parts[0]}.{parts[1]}")):
            raise HandoffError(
                "bad_signature", "the hand-off token's signature does not match (tampered or another key)"
            )
        try:
            payload: Any = json.loads(_unb64(parts[1]))
            handoff = Handoff(
                kind=str(payload["k"]),
                suite_id=str(payload["aud"]),
                corp_id=str(payload["c"]),
                userid=str(payload["u"]),
                open_userid=str(payload["o"]),
                issued_at=int(payload["iat"]),
                expires_at=int(payload["exp"]),
                nonce=str(payload["n"]),
            )
        except (ValueError, KeyError, TypeError):
            raise HandoffError("malformed", "the hand-off token's payload is not readable") from None
        if handoff.suite_id != self.suite_id:
            raise HandoffError("wrong_audience", f"the hand-off token is for suite {handoff.suite_id!r}")
        if kind is not None and handoff.kind != kind:
            raise HandoffError("wrong_kind", f"the hand-off token is a {handoff.kind!r} token, not {kind!r}")
        if handoff.issued_at > now + _CLOCK_SKEW:
            raise HandoffError("not_yet_valid", "the hand-off token was issued in the future (check the clocks)")
        if now >= handoff.expires_at:
            raise HandoffError("expired", f"the hand-off token expired {now - handoff.expires_at:.0f} s ago")
        return handoff


class Handoffs:
    """Single-use hand-offs: :meth:`issue` records the nonce, :meth:`verify` consumes it.

    The nonce is kept in the install state store (``InstallStates.issue_state``) under a
    ``handoff`` prefix until the token expires, so a token verified once is refused the second time,
    by every process sharing the store.
    """

    def __init__(self, signer: HandoffSigner, states: InstallStates, clock: Clock) -> None:
        self.signer = signer
        self._states = states
        self._clock = clock

    def issue(self, kind: str, corp_id: str, *, userid: str = "", open_userid: str = "") -> str:
        token, handoff = self.signer.sign(kind, corp_id, now=self._clock.now(), userid=userid, open_userid=open_userid)
        self._states.issue_state(
            _nonce_key(handoff.nonce), expires_at=handoff.expires_at + _CLOCK_SKEW, data=kind, suite_id=handoff.suite_id
        )
        return token

    def verify(self, token: str, *, kind: str | None = None) -> Handoff:
        handoff = self.signer.verify(token, now=self._clock.now(), kind=kind)
        recorded = self._states.consume_state(
            _nonce_key(handoff.nonce), now=self._clock.now(), suite_id=handoff.suite_id
        )
        if recorded is None:
            raise HandoffError("already_used", "the hand-off token was already used (or was not issued here)")
        return handoff


def _nonce_key(nonce: str) -> str:
    return f"handoff.{nonce}"
