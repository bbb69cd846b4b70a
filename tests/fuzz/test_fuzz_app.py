"""A short fuzz of the callback endpoints in process (``make soak`` runs a million of the same inputs).

Every generated request — raw bytes, correctly signed garbage, correctly signed and encrypted hostile
plaintext, and seeded variations of each — must get an answer below 500 from ``SuiteApp.handle``
without an exception, and the receiver must raise nothing but ``CallbackError``. Afterwards a valid
callback is still accepted.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.fuzz_check import Tally, Target, exercise, make_target, process_recorded, quiet_logs, upstream_answer
from tests.fuzz.fuzz_inputs import (
    START,
    SUITE,
    FuzzRequest,
    derive,
    encrypted_requests,
    raw_requests,
    requests,
    signed_requests,
    valid_suite_ticket,
)
from wecom_suite.crypto import MsgCrypt, compute_signature
from wecom_suite.xml import to_xml

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # large reprs
FUZZ = settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
VARIATIONS = 5


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    quiet_logs()
    made = make_target()
    yield made
    made.close()
    logging.getLogger("wecom_suite").setLevel(logging.NOTSET)


@pytest.fixture(scope="module")
def tally() -> Tally:
    return Tally()


def check(target: Target, tally: Tally, request: FuzzRequest) -> None:
    before = tally.finding_count
    status = exercise(target, request, tally)
    assert tally.finding_count == before, tally.findings[-1]
    assert 200 <= status < 500 or upstream_answer(request, status)


@FUZZ
@given(request=raw_requests())
def test_raw_requests(target: Target, tally: Tally, request: FuzzRequest) -> None:
    check(target, tally, request)


@FUZZ
@given(request=signed_requests())
def test_signed_garbage(target: Target, tally: Tally, request: FuzzRequest) -> None:
    check(target, tally, request)


@settings(FUZZ, max_examples=600)
@given(request=encrypted_requests())
def test_encrypted_hostile_plaintext(target: Target, tally: Tally, request: FuzzRequest) -> None:
    check(target, tally, request)


@FUZZ
@given(request=requests(), seed=st.integers(0, 2**32))
def test_seeded_variations(target: Target, tally: Tally, request: FuzzRequest, seed: int) -> None:
    rng = random.Random(seed)
    check(target, tally, request)
    for _ in range(VARIATIONS):
        check(target, tally, derive(request, rng))


@settings(FUZZ, max_examples=20)
@given(depth=st.integers(2000, 20000))
def test_deep_nesting_is_a_4xx(target: Target, tally: Tally, depth: int) -> None:
    inner = "<a>" * depth + "</a>" * depth
    plain = to_xml({"SuiteId": SUITE, "InfoType": "suite_ticket"}).replace("</xml>", inner + "</xml>")
    encrypted = MsgCrypt("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C").encrypt(plain, SUITE)
    nonce = f"deep{depth}"
    query = {
        "msg_signature": compute_signature("fuzzTOKEN42", str(START), nonce, encrypted),
        "timestamp": str(START),
        "nonce": nonce,
    }
    body = to_xml({"ToUserName": SUITE, "Encrypt": encrypted, "AgentID": ""}).encode()
    status = exercise(target, FuzzRequest("POST", "/wecom/callback/instruction", query, {}, body, "encrypted"), tally)
    assert tally.finding_count == 0, tally.findings
    assert status == 400


def test_after_the_fuzz_a_valid_callback_is_accepted(target: Target, tally: Tally) -> None:
    """Whatever ran before (the order is random), a short fuzz first, then a valid callback."""

    @settings(FUZZ, max_examples=200)
    @given(request=requests())
    def fuzz(request: FuzzRequest) -> None:
        exercise(target, request, tally)

    fuzz()
    assert tally.inputs >= 200
    assert tally.finding_count == 0, tally.findings
    assert exercise(target, valid_suite_ticket(START, 1), tally) == 200
    ticket = target.store.tickets.get_ticket(SUITE)
    assert ticket is not None
    assert ticket.ticket == "after-fuzz-1"


def test_recorded_hostile_callbacks_do_not_retry_for_ever(target: Target, tally: Tally) -> None:
    """Besides what the fuzzing recorded, one create_auth whose auth_code can never be redeemed (and no
    WeCom to ask): it fails on every attempt, so it must end in the dead letters, not pending."""
    plain = to_xml({"SuiteId": SUITE, "InfoType": "create_auth", "TimeStamp": START, "AuthCode": "never-redeemable"})
    encrypted = MsgCrypt("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C").encrypt(plain, SUITE)
    query = {
        "msg_signature": compute_signature("fuzzTOKEN42", str(START), "poison", encrypted),
        "timestamp": str(START),
        "nonce": "poison",
    }
    body = to_xml({"ToUserName": SUITE, "Encrypt": encrypted, "AgentID": ""}).encode()
    request = FuzzRequest("POST", "/wecom/callback/instruction", query, {}, body, "encrypted")
    assert exercise(target, request, tally) == 200
    claimed, pending = process_recorded(target)
    assert claimed > 0
    assert pending == 0, f"{pending} recorded callbacks failed in the worker every time and are still pending"
