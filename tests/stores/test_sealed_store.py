"""Secrets at rest on the memory backend: the whole contract sealed, plus the Sealer on its own."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from wecom_suite.clock import ManualClock
from wecom_suite.errors import ConfigError
from wecom_suite.stores import MemoryStore, open_store
from wecom_suite.stores import sealed as sealed_module
from wecom_suite.stores.sealed import SealedCompanies, seal_store, unsealed, warn_if_plain
from wecom_suite.stores.sealing import Sealer, SealError, UnknownKey, generate_secret_key, is_sealed, key_id_of
from wecom_suite.testing.sealed_store_contract import CURRENT_KEY, PREVIOUS_KEY, SealedStoreContract
from wecom_suite.testing.store_contract import START, ContractBackend

pytestmark = pytest.mark.timeout(60)


class TestSealedMemoryStore(SealedStoreContract):
    @pytest.fixture
    def raw_backend(self) -> Iterator[ContractBackend]:
        clock = ManualClock(START)
        b = ContractBackend(MemoryStore(clock), clock)
        yield b
        b.close()


# -- the Sealer (sans-I/O) -------------------------------------------------------------------------


def test_seal_is_randomised_versioned_and_names_its_key() -> None:
    sealer = Sealer([CURRENT_KEY])
    one = sealer.seal_text("pc-secret", "permanent_code", "s", "c")
    two = sealer.seal_text("pc-secret", "permanent_code", "s", "c")
    assert one != two  # a fresh nonce each time: equal secrets do not look equal at rest
    assert one.startswith(f"wsx1:{sealer.key_id}:")
    assert key_id_of(one) == sealer.key_id
    assert len(sealer.key_id or "") == 8
    assert "pc-secret" not in one
    assert sealer.open_text(one, "permanent_code", "s", "c") == "pc-secret"
    assert sealer.is_current(one)
    assert not sealer.is_current("pc-secret")


def test_identity_parts_cannot_be_regrouped() -> None:
    sealer = Sealer([CURRENT_KEY])
    value = sealer.seal_text("x", "permanent_code", "a:b", "c")
    with pytest.raises(SealError):
        sealer.open_text(value, "permanent_code", "a", "b:c")
    with pytest.raises(SealError):
        sealer.open_text(value, "token", "a:b", "c")  # another part, same identity


def test_rotation_seals_with_the_first_key_and_opens_with_any() -> None:
    old = Sealer([PREVIOUS_KEY])
    rotated = Sealer([CURRENT_KEY, PREVIOUS_KEY])
    assert rotated.key_ids == (Sealer([CURRENT_KEY]).key_id, old.key_id)
    value = old.seal(b"<xml/>", "inbox payload", "s", "id")
    assert rotated.open(value, "inbox payload", "s", "id") == b"<xml/>"
    assert not rotated.is_current(value)
    assert rotated.is_current(rotated.seal(b"<xml/>", "inbox payload", "s", "id"))
    with pytest.raises(UnknownKey) as info:
        Sealer([CURRENT_KEY]).open(value, "inbox payload", "s", "id")
    assert info.value.key_id == old.key_id


def test_storage_key_is_derived_not_the_secret_itself() -> None:
    """The same secret signs hand-offs: the store key must differ (HKDF under its own label)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = "x" * 32
    value = Sealer([secret]).seal(b"data", "token", "k")
    raw = __import__("base64").urlsafe_b64decode(value.split(b":", 2)[2] + b"==")
    with pytest.raises(InvalidTag):  # the raw secret is not the key
        AESGCM(secret.encode()).decrypt(raw[:12], raw[12:], None)


def test_truncated_and_garbled_values_raise_store_errors() -> None:
    sealer = Sealer([CURRENT_KEY])
    good = sealer.seal_text("t", "token", "k")
    for bad in (good[:20], good + "!!", f"wsx1:{sealer.key_id}", f"wsx1:{sealer.key_id}:"):
        with pytest.raises(SealError):
            sealer.open_text(bad, "token", "k")


def test_bad_key_lists_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        Sealer(["short"])
    with pytest.raises(ValueError, match="twice"):
        Sealer([CURRENT_KEY, CURRENT_KEY])
    with pytest.raises(TypeError):
        Sealer(CURRENT_KEY)  # type: ignore[arg-type]  # a string is not a list of keys
    with pytest.raises(ConfigError) as info:
        open_store("memory://", secret_keys=["short"])
    assert info.value.setting == "secret_key"
    assert "short" not in str(info.value)


def test_generated_keys_are_long_and_fresh() -> None:
    first, second = generate_secret_key(), generate_secret_key()
    assert first != second
    assert len(first) == 64
    Sealer([first, second])  # usable as a rotation list


def test_sealer_repr_shows_key_ids_only() -> None:
    sealer = Sealer([CURRENT_KEY, PREVIOUS_KEY])
    assert CURRENT_KEY not in repr(sealer)
    assert PREVIOUS_KEY not in repr(sealer)
    assert str(sealer.key_id) in repr(sealer)


def test_plain_and_empty_values_pass_through() -> None:
    sealer = Sealer([CURRENT_KEY])
    assert not is_sealed(b"<xml>")
    assert sealer.open(b"", "inbox payload", "s", "i") == b""
    assert sealer.open_text("plain-0.1-code", "permanent_code", "s", "c") == "plain-0.1-code"
    assert Sealer([]).seal_text("x", "token", "k") == "x"


# -- wiring ----------------------------------------------------------------------------------------


def test_open_store_seals_only_when_asked() -> None:
    plain = open_store("memory://")
    assert isinstance(plain, MemoryStore)
    sealed = open_store("memory://", secret_keys=[CURRENT_KEY])
    assert isinstance(sealed.companies, SealedCompanies)
    assert unsealed(sealed) is not sealed
    assert unsealed(plain) is plain
    sealed.close()


def test_warning_once_per_process_when_secrets_are_plain(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sealed_module, "_warned", False)
    caplog.set_level(logging.WARNING, logger="wecom_suite.stores")
    assert warn_if_plain(seal_store(MemoryStore(), [CURRENT_KEY])) is False
    assert caplog.records == []
    # memory:// is plain but keeps nothing at rest: nothing to warn about.
    assert warn_if_plain(MemoryStore()) is True
    assert warn_if_plain(seal_store(MemoryStore(), [])) is True
    assert caplog.records == []
    on_disk = [open_store(f"sqlite://{tmp_path}/a.db"), open_store(f"sqlite://{tmp_path}/b.db")]
    try:
        assert [warn_if_plain(store) for store in on_disk] == [True, True]
    finally:
        for store in on_disk:
            store.close()
    warnings = [r for r in caplog.records if "plain text" in r.getMessage()]
    assert len(warnings) == 1
    assert "WECOM_SECRET_KEY" in warnings[0].getMessage()


def test_config_accepts_a_rotation_list() -> None:
    from wecom_suite.app.config import SuiteConfig

    base = {
        "suite_id": "ww-suite",
        "suite_secret": "s" * 32,
        "token": "tok",
        "encoding_aes_key": "a" * 43,
    }
    config = SuiteConfig.from_mapping({**base, "secret_key": f"{CURRENT_KEY}, {PREVIOUS_KEY}"})
    assert config.secret_keys == (CURRENT_KEY, PREVIOUS_KEY)
    assert SuiteConfig.from_mapping(base).secret_keys == ()
    with pytest.raises(ConfigError, match="at least 32"):
        SuiteConfig.from_mapping({**base, "secret_key": f"{CURRENT_KEY},short"})
    assert CURRENT_KEY not in repr(config)
