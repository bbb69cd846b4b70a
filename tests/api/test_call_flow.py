"""The sans-I/O core, driven by hand: request building, decisions, back-off, token renewal.

No sockets here: each test scripts WeCom's answers into the call-flow generator and checks the steps
it asks for. The loopback tests in test_endpoints.py / test_retry_rules.py run the same flow for real.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wecom_suite.api import CorpCalls, RetryPolicy, RetrySafety, SuiteCalls, TokenKind, TokenRef
from wecom_suite.api.call_flow import DropToken, NeedToken, Pause, Send, Step, call_flow
from wecom_suite.api.endpoint_spec import ApiCall
from wecom_suite.api.endpoints import LICENSE_APIS
from wecom_suite.api.models import AppQrcode, PermanentCodeInfo, SuiteAccessToken
from wecom_suite.api.retry_policy import API_BACKOFF
from wecom_suite.api.transport_outcome import HttpAnswer, TransportFailure
from wecom_suite.errors import (
    MalformedResponse,
    RateLimited,
    RequestMayHaveReachedWeCom,
    SystemBusy,
    TokenExpired,
    WeComHTTPError,
    WeComSuiteError,
    WeComUnreachable,
)

CALLS = SuiteCalls("wwsuite", "SUITE-SECRET-VALUE-123", provider_corp_id="wwprovider", provider_secret="PROV-SECRET-99")
NO_JITTER = RetryPolicy(backoff=replace(API_BACKOFF, random=lambda: 0.0))


def ok(**fields: Any) -> HttpAnswer:
    return HttpAnswer(200, "application/json", json.dumps({"errcode": 0, "errmsg": "ok", **fields}).encode())


def err(errcode: int, errmsg: str = "boom") -> HttpAnswer:
    return HttpAnswer(200, "application/json", json.dumps({"errcode": errcode, "errmsg": errmsg}).encode())


class Script:
    """Runs a call flow, answering tokens from ``tokens`` and sends from ``answers``; records every step."""

    def __init__(self, answers: list[HttpAnswer | TransportFailure], tokens: list[str] | None = None) -> None:
        self.answers = list(answers)
        self.tokens = list(tokens or ["TOKEN-A", "TOKEN-B", "TOKEN-C"])
        self.steps: list[Step] = []

    def run(self, call: ApiCall[Any], policy: RetryPolicy = NO_JITTER) -> Any:
        flow = call_flow(call, policy)
        reply: Any = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as done:
                return done.value
            self.steps.append(step)
            if isinstance(step, NeedToken):
                reply = self.tokens[0]
            elif isinstance(step, DropToken):
                assert step.token == self.tokens.pop(0)
                reply = None
            elif isinstance(step, Send):
                reply = self.answers.pop(0)
            else:
                reply = None

    def sends(self) -> list[Send]:
        return [s for s in self.steps if isinstance(s, Send)]

    def pauses(self) -> list[float]:
        return [s.seconds for s in self.steps if isinstance(s, Pause)]


# -- request building ------------------------------------------------------------------------------
def test_suite_token_request_needs_no_token_and_sends_the_ticket() -> None:
    script = Script([ok(suite_access_token="S" * 40, expires_in=7200)])
    answer = script.run(CALLS.get_suite_token("TICKET-1"))
    assert isinstance(answer, SuiteAccessToken)
    assert answer.suite_access_token == "S" * 40
    assert not any(isinstance(s, NeedToken) for s in script.steps)
    request = script.sends()[0].request
    assert (request.method, request.path) == ("POST", "/cgi-bin/service/get_suite_token")
    assert json.loads(request.content or b"") == {
        "suite_id": "wwsuite", "suite_secret": "SUITE-SECRET-VALUE-123", "suite_ticket": "TICKET-1"
    }
    assert dict(request.params) == {}


@pytest.mark.parametrize(
    ("make", "ref", "param", "method", "path"),
    [
        (lambda: CALLS.get_pre_auth_code(), TokenRef(TokenKind.SUITE), "suite_access_token", "GET",
         "/cgi-bin/service/get_pre_auth_code"),
        (lambda: CALLS.get_login_info("AUTH"), TokenRef(TokenKind.PROVIDER), "access_token", "POST",
         "/cgi-bin/service/get_login_info"),
        (lambda: CALLS.corpid_to_opencorpid("ww1"), TokenRef(TokenKind.PROVIDER), "provider_access_token", "POST",
         "/cgi-bin/service/corpid_to_opencorpid"),
        (lambda: CorpCalls("wwcorp").get_jsapi_ticket(), TokenRef(TokenKind.CORP, "wwcorp"), "access_token", "GET",
         "/cgi-bin/get_jsapi_ticket"),
        (lambda: CorpCalls("wwcorp").get_agent_config_ticket(), TokenRef(TokenKind.CORP, "wwcorp"), "access_token",
         "GET", "/cgi-bin/ticket/get"),
        (lambda: CALLS.get_json("user/get", {"userid": "u"}, token="provider"), TokenRef(TokenKind.PROVIDER),
         "provider_access_token", "GET", "/cgi-bin/user/get"),
    ],
)
def test_each_endpoint_asks_for_its_token_and_puts_it_under_its_parameter(
    make: Callable[[], ApiCall[Any]], ref: TokenRef, param: str, method: str, path: str
) -> None:
    script = Script([ok(ticket="T", pre_auth_code="P", open_corpid="O", expires_in=1)])
    script.run(make())
    assert script.steps[0] == NeedToken(ref)
    request = script.sends()[0].request
    assert (request.method, request.path) == (method, path)
    assert request.params[param] == "TOKEN-A"
    other_token_params = {"suite_access_token", "provider_access_token", "access_token"} - {param}
    assert not other_token_params & set(request.params), "exactly one token, under the documented name"


def test_login_info_sends_only_the_provider_token_as_access_token() -> None:
    script = Script([ok(usertype=1, user_info={"userid": "u"})])
    script.run(CALLS.get_login_info("AUTH-CODE"))
    assert dict(script.sends()[0].request.params) == {"access_token": "TOKEN-A"}


def test_request_description_redacts_the_token() -> None:
    request = CALLS.get_pre_auth_code().request("SECRET-TOKEN-0123456789")
    assert "SECRET-TOKEN-0123456789" not in request.describe()
    assert "SECRET-TOKEN-0123456789" not in repr(request)
    assert "suite_access_token=…(23)" in request.describe()  # length only, no characters


def test_agent_config_ticket_asks_for_type_agent_config() -> None:
    request = CorpCalls("wwcorp").get_agent_config_ticket().request("T")
    assert request.params["type"] == "agent_config"


# -- answers ---------------------------------------------------------------------------------------
def test_missing_errcode_counts_as_success_only_where_wecom_omits_it() -> None:
    bare = HttpAnswer(200, "application/json", b'{"suite_access_token": "SSSSSSSSSSSS", "expires_in": 7200}')
    assert Script([bare]).run(CALLS.get_suite_token("T")).suite_access_token == "SSSSSSSSSSSS"
    with pytest.raises(MalformedResponse, match="no errcode"):
        Script([HttpAnswer(200, "application/json", b'{"pre_auth_code": "P"}')]).run(CALLS.get_pre_auth_code())


def test_unknown_fields_are_kept() -> None:
    answer = Script([ok(pre_auth_code="P", expires_in=1200, brand_new_field={"x": 1})]).run(CALLS.get_pre_auth_code())
    assert answer.model_extra == {"brand_new_field": {"x": 1}}


def test_an_answer_missing_a_documented_field_is_a_clear_error_without_values() -> None:
    answer = ok(access_token="CORP-TOKEN-SECRET-XYZ")  # no permanent_code, no auth_corp_info
    with pytest.raises(MalformedResponse) as caught:
        Script([answer]).run(CALLS.get_permanent_code("A" * 64))
    assert "permanent_code" in str(caught.value)
    assert "CORP-TOKEN-SECRET-XYZ" not in str(caught.value)


def test_not_json_is_a_malformed_response() -> None:
    with pytest.raises(MalformedResponse, match="not JSON"):
        Script([HttpAnswer(200, "text/html", b"<html>proxy</html>")]).run(CALLS.get_pre_auth_code())


def test_qrcode_image_answer_is_returned_as_bytes() -> None:
    png = b"\x89PNG\r\n\x1a\nrest"
    answer = Script([HttpAnswer(200, "image/png", png)]).run(CALLS.get_app_qrcode(result_type=1))
    assert isinstance(answer, AppQrcode)
    assert answer.image == png


# -- token renewal ---------------------------------------------------------------------------------
@pytest.mark.parametrize("errcode", [40014, 40082, 42001, 42009])
def test_rejected_token_is_dropped_exactly_and_the_call_retried_once(errcode: int) -> None:
    script = Script([err(errcode), ok(pre_auth_code="P", expires_in=1200)])
    assert script.run(CALLS.get_pre_auth_code()).pre_auth_code == "P"
    kinds = [type(s).__name__ for s in script.steps]
    assert kinds == ["NeedToken", "Send", "DropToken", "NeedToken", "Send"]
    dropped = next(s for s in script.steps if isinstance(s, DropToken))
    assert dropped == DropToken(TokenRef(TokenKind.SUITE), "TOKEN-A")
    assert script.sends()[1].request.params["suite_access_token"] == "TOKEN-B"


def test_a_second_rejection_raises_token_expired_with_a_hint() -> None:
    script = Script([err(42009), err(42009), ok(pre_auth_code="never")])
    with pytest.raises(TokenExpired) as caught:
        script.run(CALLS.get_pre_auth_code())
    assert len(script.sends()) == 2
    assert caught.value.errcode == 42009
    assert "retried once" in caught.value.hint


def test_token_renewal_is_safe_even_for_one_time_codes() -> None:
    """WeCom checks the token before it looks at the auth_code, so a 42009 means nothing was spent."""
    script = Script([err(42009), ok(permanent_code="PC", auth_corp_info={"corpid": "ww1"})])
    assert script.run(CALLS.get_permanent_code("A" * 64)).permanent_code == "PC"


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)


def test_system_busy_then_success_pauses_once() -> None:
    script = Script([err(-1), ok(pre_auth_code="P")])
    assert script.run(CALLS.get_pre_auth_code()).pre_auth_code == "P"
    assert script.pauses() == [0.25]


def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    script = Script([err(45009)] * 10)
    with pytest.raises(RateLimited) as caught:
        script.run(CALLS.get_pre_auth_code())
    assert len(script.sends()) == 1 + NO_JITTER.max_retries
    assert script.pauses() == [0.25, 0.5, 1.0]
    assert "back-off" in caught.value.hint


def test_5xx_storm_beyond_the_budget_is_a_clear_http_error() -> None:
    script = Script([HttpAnswer(503, "text/plain", b"busy")] * 10)
    with pytest.raises(WeComHTTPError) as caught:
        script.run(CALLS.get_pre_auth_code())
    assert caught.value.status == 503
    assert caught.value.attempts == 4
    assert len(script.sends()) == 4


def test_connection_failures_are_retried_for_reads() -> None:
    refused = TransportFailure("ConnectError: refused", maybe_sent=False)
    reset = TransportFailure("ReadError: reset", maybe_sent=True)
    script = Script([refused, reset, ok(pre_auth_code="P")])
    assert script.run(CALLS.get_pre_auth_code()).pre_auth_code == "P"
    with pytest.raises(WeComUnreachable):
        Script([reset] * 10).run(CALLS.get_pre_auth_code())


# -- one-time codes --------------------------------------------------------------------------------
ONE_TIME_CALLS: list[Callable[[], ApiCall[Any]]] = [
    lambda: CALLS.get_permanent_code("A" * 64),
    lambda: CALLS.get_permanent_code_v2("A" * 64),
    lambda: CALLS.set_session_info("PRE-AUTH"),
    lambda: CALLS.get_login_info("AUTH"),
    lambda: CALLS.get_user_info_3rd("CODE"),
    lambda: CALLS.get_user_detail_3rd("TICKET"),
]


@pytest.mark.parametrize("make", ONE_TIME_CALLS)
@pytest.mark.parametrize(
    "answer",
    [
        TransportFailure("ReadTimeout: timed out", maybe_sent=True),
        HttpAnswer(502, "text/plain", b"bad gateway"),
        err(-1),
    ],
    ids=["timeout", "5xx", "busy"],
)
def test_one_time_codes_are_never_resent_after_the_request_may_have_arrived(
    make: Callable[[], ApiCall[Any]], answer: HttpAnswer | TransportFailure
) -> None:
    script = Script([answer, ok()])
    with pytest.raises(RequestMayHaveReachedWeCom) as caught:
        script.run(make())
    assert len(script.sends()) == 1
    assert "may already be consumed" in caught.value.hint


def test_one_time_codes_are_resent_when_the_request_certainly_never_left() -> None:
    refused = TransportFailure("ConnectError: refused", maybe_sent=False)
    script = Script([refused, err(45009), ok(permanent_code="PC", auth_corp_info={"corpid": "ww1"})])
    answer = script.run(CALLS.get_permanent_code("A" * 64))
    assert isinstance(answer, PermanentCodeInfo)
    assert len(script.sends()) == 3


def test_state_changing_calls_are_not_resent_either() -> None:
    script = Script([HttpAnswer(500, "text/plain", b"")])
    with pytest.raises(RequestMayHaveReachedWeCom) as caught:
        script.run(CALLS.prolong_try("ww1", 7))
    assert "changes state" in caught.value.hint
    with pytest.raises(RequestMayHaveReachedWeCom):
        Script([err(-1)]).run(CALLS.post_json("message/send", {"touser": "@all"}))
    assert Script([err(-1), ok(x=1)]).run(CALLS.post_json("user/list_id", {}, idempotent=True))["x"] == 1


def test_busy_on_a_read_is_retried_but_then_raised_as_system_busy() -> None:
    with pytest.raises(SystemBusy):
        Script([err(-1)] * 4).run(CALLS.get_pre_auth_code())


# -- whatever WeCom answers, the flow ends, and one-time codes are never resent after they may have arrived
ANSWERS = st.sampled_from([
    err(-1), err(45009), err(42009), err(40082), err(40078), err(6000), ok(pre_auth_code="P", permanent_code="PC",
                                                                        auth_corp_info={"corpid": "ww1"}),
    HttpAnswer(500, "text/plain", b""), HttpAnswer(404, "text/plain", b""),
    TransportFailure("ReadTimeout", maybe_sent=True), TransportFailure("ConnectError", maybe_sent=False),
])


@given(st.lists(ANSWERS, min_size=8, max_size=8), st.integers(min_value=0, max_value=4), st.booleans())
def test_any_answer_sequence_ends_within_the_budget(
    answers: list[HttpAnswer | TransportFailure], max_retries: int, one_time: bool
) -> None:
    policy = RetryPolicy(max_retries=max_retries, backoff=NO_JITTER.backoff)
    call = CALLS.get_permanent_code("A" * 64) if one_time else CALLS.get_pre_auth_code()
    script = Script(answers)
    with contextlib.suppress(WeComSuiteError):  # raising is fine; looping or resending is not
        script.run(call, policy)
    sent = script.sends()
    assert len(sent) <= 2 + max_retries  # one token renewal + the back-off budget
    assert len(script.pauses()) <= max_retries
    if one_time:
        for index, answer in enumerate(answers[: len(sent) - 1]):
            ambiguous = (isinstance(answer, TransportFailure) and answer.maybe_sent) or (
                isinstance(answer, HttpAnswer) and (answer.status >= 500 or answer.body == err(-1).body
                                                    or answer.body == err(6000).body)
            )
            assert not ambiguous, f"resent after an ambiguous answer #{index}"


@pytest.mark.parametrize("name", sorted(LICENSE_APIS))
def test_license_apis_use_the_provider_token_and_never_resend_writes(name: str) -> None:
    if name == "get_account_balance":  # 充值账户余额查询: a GET under service/, no body
        request = CALLS.license_api(name).request("PROVIDER-TOKEN")
        assert (request.method, request.path, request.content) == ("GET", "/cgi-bin/service/get_account_balance", None)
    call = CALLS.license_api(name, {"corpid": "ww1"})
    request = call.request("PROVIDER-TOKEN")
    if name == "get_account_balance":
        assert (request.method, request.path) == ("GET", "/cgi-bin/service/get_account_balance")
        assert dict(request.params) == {"provider_access_token": "PROVIDER-TOKEN", "corpid": "ww1"}
    else:
        assert (request.method, request.path) == ("POST", f"/cgi-bin/license/{name}")
        assert dict(request.params) == {"provider_access_token": "PROVIDER-TOKEN"}
    writes = {"create_new_order", "create_renew_order_job", "submit_order_job", "active_account",
              "batch_active_account", "batch_transfer_license", "set_auto_active_status", "cancel_order",
              "create_new_order_job", "submit_new_order_job", "submit_pay_job", "batch_share_active_code"}
    assert (call.endpoint.safety is RetrySafety.IDEMPOTENT) == (name not in writes)
