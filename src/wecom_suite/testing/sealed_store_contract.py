"""The store contract again, with secrets sealed at rest, plus what sealing itself promises.

Subclass :class:`SealedStoreContract` and give it a ``raw_backend`` fixture: the same
:class:`~wecom_suite.testing.store_contract.ContractBackend` a :class:`StoreContract` test gets as
``backend``. The contract seals that store (and every store ``reopen`` opens) under
:attr:`SealedStoreContract.secret_keys`, then runs every test of :class:`StoreContract` on it, and
the sealing tests below, which look at the backend's own rows through
:func:`~wecom_suite.stores.sealed.unsealed`::

    class TestMyStoreSealed(SealedStoreContract):
        @pytest.fixture
        def raw_backend(self):
            clock = ManualClock(START)
            b = ContractBackend(my_open_store(clock), clock, reopen=lambda: my_open_store(clock))
            yield b
            b.close()
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest

from ..errors import StoreError
from ..stores import InboxItem, Store, StoredToken, SuiteTicket
from ..stores.sealed import seal_store, unsealed
from ..stores.sealing import SealError, UnknownKey, is_sealed
from .store_contract import START, ContractBackend, StoreContract, _company, _item

__all__ = ["CURRENT_KEY", "PREVIOUS_KEY", "SealedStoreContract", "assert_no_plain_secrets", "plain_forms"]

CURRENT_KEY = "contract-current-key-0123456789abcdef0123456789"  # test keys, not secrets
PREVIOUS_KEY = "contract-previous-key-0123456789abcdef012345678"
_SECRET = "PLAIN-SECRET-do-not-store-7f3a"  # noqa: S105 - a marker to look for at rest


def plain_forms(secret: str) -> list[bytes]:
    """The ways a backend could write ``secret`` without sealing it: UTF-8, base64 (both alphabets, with or
    without padding), hex. Searching raw bytes for all of them keeps a test from passing on encoding alone."""
    raw = secret.encode("utf-8")
    b64 = base64.b64encode(raw)
    return [raw, b64.rstrip(b"="), base64.urlsafe_b64encode(raw).rstrip(b"="), raw.hex().encode("ascii")]


def assert_no_plain_secrets(raw: bytes, secrets: Iterable[str], *, where: str = "the raw data") -> None:
    """Fail if any of ``secrets`` (8+ characters each) appears in ``raw`` in any of its :func:`plain_forms`.

    ``raw``: every byte a backend holds (a database file and its WAL, every Redis key and value, every
    table row). The message names the secret by position, never by value.
    """
    for n, secret in enumerate(secrets):
        assert len(secret) >= 8, "a secret this short could match by chance"
        for form in plain_forms(secret):
            assert form not in raw, f"secret #{n} appears in {where} (as {len(form)} bytes)"


class SealedStoreContract(StoreContract):
    """Every :class:`StoreContract` test on a sealed store, and the sealing guarantees. Needs ``raw_backend``."""

    secret_keys: tuple[str, ...] = (CURRENT_KEY, PREVIOUS_KEY)

    @pytest.fixture
    def backend(self, raw_backend: ContractBackend) -> ContractBackend:
        keys = self.secret_keys
        raw_reopen = raw_backend.reopen
        raw_backend.store = seal_store(raw_backend.store, keys)
        if raw_reopen is not None:
            reopen: Callable[[], Store] = raw_reopen
            raw_backend.reopen = lambda: seal_store(reopen(), keys)
        return raw_backend  # the raw fixture closes it (closing the sealed store closes the backend's)

    @staticmethod
    def _fill(store: Store, secret: str = _SECRET) -> None:
        store.tickets.save_ticket(SuiteTicket("suite-a", f"ticket-{secret}", START))
        store.tokens.set_token("corp_token:suite-a:corp-1", StoredToken(f"token-{secret}", START + 7200, START))
        store.companies.save_company(_company("suite-a", "corp-1", permanent_code=f"pc-{secret}"))
        store.inbox.put(InboxItem("d1", "suite-a", f"<xml><AuthCode>{secret}</AuthCode></xml>".encode(), START))

    # -- at rest -----------------------------------------------------------------------------------

    def test_backend_holds_only_sealed_values(self, backend: ContractBackend) -> None:
        self._fill(backend.store)
        raw = unsealed(backend.store)
        assert raw is not backend.store
        stored = [
            raw.tickets.get_ticket("suite-a").ticket,
            _token(raw, "corp_token:suite-a:corp-1"),
            _code(raw, "suite-a", "corp-1"),
            _payload(raw, "d1").decode("ascii"),
        ]
        for value in stored:
            assert is_sealed(value), value[:12]
            assert _SECRET not in value
        company = raw.companies.get_company("suite-a", "corp-1")
        assert company is not None
        assert company.corp_name == "公司 corp-1"  # the rest stays readable (lists, consoles, ordering)
        assert _SECRET not in repr(company.auth_info)

    def test_sealed_values_read_back_and_survive_a_restart(self, backend: ContractBackend) -> None:
        self._fill(backend.store)
        s = backend.restart()
        assert s.tickets.get_ticket("suite-a").ticket == f"ticket-{_SECRET}"
        assert s.tokens.get_token("corp_token:suite-a:corp-1") == StoredToken(f"token-{_SECRET}", START + 7200, START)
        expected = _company("suite-a", "corp-1", permanent_code=f"pc-{_SECRET}")
        assert s.companies.get_company("suite-a", "corp-1") == expected
        assert [c.permanent_code for c in s.companies.list_companies("suite-a")] == [f"pc-{_SECRET}"]
        claim = s.inbox.claim("suite-a", now=START, lease_seconds=60)
        assert claim is not None
        assert claim.item.payload == f"<xml><AuthCode>{_SECRET}</AuthCode></xml>".encode()
        renewed = s.inbox.renew(claim, now=START + 1, lease_seconds=60)
        assert renewed is not None
        assert renewed.item.payload == claim.item.payload
        assert [i.payload for i in s.inbox.list_items("suite-a")] == [claim.item.payload]

    # -- bound to its row --------------------------------------------------------------------------

    def test_permanent_code_copied_to_another_company_fails_to_open(self, backend: ContractBackend) -> None:
        s = backend.store
        s.companies.save_company(_company("suite-a", "victim", permanent_code="pc-of-the-victim"))
        s.companies.save_company(_company("suite-a", "attacker", permanent_code="pc-of-the-attacker"))
        raw = unsealed(s)
        stolen = _code(raw, "suite-a", "victim")
        attacker = raw.companies.get_company("suite-a", "attacker")
        assert attacker is not None
        raw.companies.save_company(replace(attacker, permanent_code=stolen))
        raw.companies.save_company(replace(attacker, suite_id="suite-b", corp_id="victim", permanent_code=stolen))
        for suite, corp in (("suite-a", "attacker"), ("suite-b", "victim")):
            with pytest.raises(SealError) as info:
                s.companies.get_company(suite, corp)
            assert isinstance(info.value, StoreError)
            assert "copied from another row" in str(info.value)
            assert corp in str(info.value)
            assert "pc-of-the-victim" not in str(info.value)
            assert stolen not in str(info.value)
        assert s.companies.get_company("suite-a", "victim") is not None  # the original still opens
        with pytest.raises(SealError):
            list(s.companies.list_companies("suite-b"))

    def test_token_copied_to_another_key_fails_to_open(self, backend: ContractBackend) -> None:
        s = backend.store
        s.tokens.set_token("corp_token:suite-a:corp-1", StoredToken("corp-1-token", START + 7200, START))
        raw = unsealed(s)
        stored = raw.tokens.get_token("corp_token:suite-a:corp-1")
        assert stored is not None
        raw.tokens.set_token("corp_token:suite-a:corp-2", stored)
        with pytest.raises(SealError) as info:
            s.tokens.get_token("corp_token:suite-a:corp-2")
        assert "corp-1-token" not in str(info.value)
        with pytest.raises(SealError):
            s.tokens.delete_token("corp_token:suite-a:corp-2", only_if="corp-1-token")
        assert s.tokens.delete_token("corp_token:suite-a:corp-2") is True  # an operator can still clear it

    def test_ticket_copied_to_another_suite_fails_to_open(self, backend: ContractBackend) -> None:
        s = backend.store
        s.tickets.save_ticket(SuiteTicket("suite-a", "ticket-of-a", START))
        raw = unsealed(s)
        raw.tickets.save_ticket(replace(raw.tickets.get_ticket("suite-a"), suite_id="suite-b"))
        with pytest.raises(SealError):
            s.tickets.get_ticket("suite-b")

    def test_payload_copied_to_another_item_fails_to_open(self, backend: ContractBackend) -> None:
        s = backend.store
        s.inbox.put(_item("genuine"))
        raw = unsealed(s)
        raw.inbox.put(replace(_item("forged", queue="q2"), payload=_payload(raw, "genuine")))
        with pytest.raises(SealError):
            s.inbox.get_item("forged")
        got = s.inbox.get_item("genuine")
        assert got is not None
        assert got.payload == b"<xml>genuine</xml>"

    def test_altered_value_fails_to_open(self, backend: ContractBackend) -> None:
        s = backend.store
        s.companies.save_company(_company("suite-a", "corp-1"))
        raw = unsealed(s)
        record = raw.companies.get_company("suite-a", "corp-1")
        assert record is not None
        code = record.permanent_code
        flipped = code[:-2] + ("A" if code[-2] != "A" else "B") + code[-1]
        raw.companies.save_company(replace(record, permanent_code=flipped))
        with pytest.raises(SealError):
            s.companies.get_company("suite-a", "corp-1")

    # -- keys --------------------------------------------------------------------------------------

    def test_values_sealed_under_a_previous_key_still_read(self, backend: ContractBackend) -> None:
        raw = unsealed(backend.store)
        self._fill(seal_store(raw, [PREVIOUS_KEY]))  # written before the rotation
        s = backend.store  # CURRENT_KEY first, PREVIOUS_KEY after it
        assert s.tickets.get_ticket("suite-a").ticket == f"ticket-{_SECRET}"
        token = s.tokens.get_token("corp_token:suite-a:corp-1")
        assert token is not None
        assert token.token == f"token-{_SECRET}"
        company = s.companies.get_company("suite-a", "corp-1")
        assert company is not None
        assert company.permanent_code == f"pc-{_SECRET}"
        item = s.inbox.get_item("d1")
        assert item is not None
        assert _SECRET.encode() in item.payload
        assert s.tokens.delete_token("corp_token:suite-a:corp-1", only_if=f"token-{_SECRET}") is True

    def test_a_retired_key_is_named_and_tokens_under_it_read_as_missing(self, backend: ContractBackend) -> None:
        raw = unsealed(backend.store)
        self._fill(seal_store(raw, [PREVIOUS_KEY]))
        only_current = seal_store(raw, [CURRENT_KEY])
        with pytest.raises(UnknownKey) as info:
            only_current.companies.get_company("suite-a", "corp-1")
        assert "not configured" in str(info.value)
        assert "WECOM_SECRET_KEY" in info.value.hint
        with pytest.raises(UnknownKey):
            only_current.tickets.get_ticket("suite-a")
        assert only_current.tokens.get_token("corp_token:suite-a:corp-1") is None  # a cache: fetched again

    def test_without_a_key_sealed_values_are_refused_not_handed_out(self, backend: ContractBackend) -> None:
        self._fill(backend.store)
        keyless = seal_store(unsealed(backend.store), [])
        with pytest.raises(UnknownKey) as info:
            keyless.companies.get_company("suite-a", "corp-1")
        assert "no secret_key is set" in str(info.value)
        keyless.companies.save_company(_company("suite-a", "corp-2", permanent_code="pc-plain"))
        assert _code(unsealed(backend.store), "suite-a", "corp-2") == "pc-plain"  # as before keys existed

    def test_plain_values_from_before_the_key_still_read(self, backend: ContractBackend) -> None:
        raw = unsealed(backend.store)
        self._fill(raw)
        s = backend.store
        assert s.tickets.get_ticket("suite-a").ticket == f"ticket-{_SECRET}"
        company = s.companies.get_company("suite-a", "corp-1")
        assert company is not None
        assert company.permanent_code == f"pc-{_SECRET}"
        item = s.inbox.get_item("d1")
        assert item is not None
        assert item.payload == f"<xml><AuthCode>{_SECRET}</AuthCode></xml>".encode()
        assert s.tokens.delete_token("corp_token:suite-a:corp-1", only_if=f"token-{_SECRET}") is True

    def test_no_key_in_reprs(self, backend: ContractBackend) -> None:
        s = backend.store
        shown = " ".join(repr(x) for x in (s, s.tickets, s.tokens, s.companies, s.inbox, vars(s.companies)))
        for key in self.secret_keys:
            assert key not in shown


def _token(store: Store, key: str) -> str:
    found = store.tokens.get_token(key)
    assert found is not None
    return found.token


def _code(store: Store, suite_id: str, corp_id: str) -> str:
    found = store.companies.get_company(suite_id, corp_id)
    assert found is not None
    return found.permanent_code


def _payload(store: Store, item_id: str) -> bytes:
    found = store.inbox.get_item(item_id)
    assert found is not None
    return found.payload
