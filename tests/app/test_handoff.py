"""The signed hand-off token: genuine tokens verify once; tampered, expired or foreign ones never do."""

from __future__ import annotations

import base64
import json

import pytest

from wecom_suite.app.handoff import HANDOFF_LIFETIME, HandoffError, Handoffs, HandoffSigner, hkdf_sha256
from wecom_suite.clock import ManualClock
from wecom_suite.stores.memory import MemoryStore

NOW = 1_700_000_000.0
SUITE = "wwsuite0001"


def test_hkdf_matches_rfc5869_test_case_1() -> None:
    okm = hkdf_sha256(b"\x0b" * 22, salt=bytes(range(13)), info=bytes(range(0xF0, 0xFA)), length=42)
    assert okm.hex() == (
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_a_token_says_who_and_verifies_within_its_lifetime() -> None:
    signer = HandoffSigner("suite-secret-value", SUITE)
    token, issued = signer.sign("login", "wwcorp1", now=NOW, userid="zhangsan", open_userid="woAAA")
    assert "zhangsan" not in token  # base64url, not plain text in logs at a glance
    got = signer.verify(token, now=NOW + HANDOFF_LIFETIME - 1, kind="login")
    assert got == issued
    assert (got.kind, got.suite_id, got.corp_id, got.userid, got.open_userid) == (
        "login", SUITE, "wwcorp1", "zhangsan", "woAAA",
    )
    assert got.expires_at - got.issued_at == HANDOFF_LIFETIME
    assert "suite-secret-value" not in repr(signer)


def _reason(signer: HandoffSigner, token: str, now: float = NOW, kind: str | None = None) -> str:
    with pytest.raises(HandoffError) as caught:
        signer.verify(token, now=now, kind=kind)
    return caught.value.reason


def test_expired_tampered_foreign_and_malformed_tokens_are_refused() -> None:
    signer = HandoffSigner("suite-secret-value", SUITE)
    token, _ = signer.sign("login", "wwcorp1", now=NOW, userid="zhangsan")
    assert _reason(signer, token, now=NOW + HANDOFF_LIFETIME) == "expired"
    assert _reason(signer, token, now=NOW - 3600) == "not_yet_valid"
    assert _reason(signer, token, kind="install") == "wrong_kind"

    version, body, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["u"] = "the-boss"  # the one edit an attacker wants
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    assert _reason(signer, f"{version}.{forged}.{mac}") == "bad_signature"
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    assert _reason(signer, f"{version}.{body}.{flipped}") == "bad_signature"

    other_key = HandoffSigner("another-secret", SUITE)
    assert _reason(other_key, token) == "bad_signature"
    # Same secret, another suite: the key is derived per suite, and the audience is checked too.
    assert _reason(HandoffSigner("suite-secret-value", "wwother"), token) == "bad_signature"

    for junk in ["", "v1", "v2.a.b", "v1.a.b.c", "v1.!!.??", "x" * 5000, "v1.é.b"]:
        assert _reason(signer, junk) == "malformed", junk


def test_wrong_audience_with_a_shared_key_is_refused() -> None:
    # Two signers made to share a key (as if the derivation ignored the suite): the audience still decides.
    a, b = HandoffSigner("k", "wwA"), HandoffSigner("k", "wwB")
    b._key = a._key  # simulating a key shared across suites
    token, _ = a.sign("install", "wwcorp", now=NOW)
    assert _reason(b, token) == "wrong_audience"


def test_handoffs_verify_once() -> None:
    clock = ManualClock(NOW)
    store = MemoryStore(clock)
    handoffs = Handoffs(HandoffSigner("suite-secret-value", SUITE), store.install_states, clock)
    token = handoffs.issue("install", "wwcorp1")
    clock.advance(5)
    assert handoffs.verify(token, kind="install").corp_id == "wwcorp1"
    with pytest.raises(HandoffError) as caught:
        handoffs.verify(token)
    assert caught.value.reason == "already_used"
    # A genuine token that this store never issued (another deployment with the same secret) is refused.
    foreign, _ = HandoffSigner("suite-secret-value", SUITE).sign("login", "wwcorp1", now=clock.now())
    with pytest.raises(HandoffError, match="already used"):
        handoffs.verify(foreign)
    store.close()


def test_sign_rejects_nonsense() -> None:
    signer = HandoffSigner("s", SUITE)
    with pytest.raises(ValueError, match="kind"):
        signer.sign("admin", "wwcorp", now=NOW)
    with pytest.raises(ValueError, match="corp_id"):
        signer.sign("login", "", now=NOW)
    with pytest.raises(ValueError, match="secret"):
        HandoffSigner("", SUITE)
