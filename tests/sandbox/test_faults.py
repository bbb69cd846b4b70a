"""Fault injection per endpoint (Python API and admin API), and the counters that see every call."""

from __future__ import annotations

import httpx
import pytest

from wecom_suite.sandbox import Sandbox

from .conftest import suite_token

PRE = "/cgi-bin/service/get_pre_auth_code"


def test_errcode_burst_then_normal(sandbox: Sandbox, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    sandbox.faults.errcode("service/get_pre_auth_code", 45009, times=2)
    codes = [http.get(PRE, params={"suite_access_token": token}).json()["errcode"] for _ in range(3)]
    assert codes == [45009, 45009, 0]
    assert sandbox.counters["service/get_pre_auth_code"] == 3


@pytest.mark.parametrize("code", [-1, 40082])
def test_other_errcodes(sandbox: Sandbox, http: httpx.Client, code: int) -> None:
    token = suite_token(sandbox, http)
    sandbox.faults.errcode("/cgi-bin/service/get_pre_auth_code", code)
    assert http.get(PRE, params={"suite_access_token": token}).json()["errcode"] == code
    assert http.get(PRE, params={"suite_access_token": token}).json()["errcode"] == 0


def test_http_5xx(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.faults.http_error("service/get_suite_token", 503)
    assert http.post("/cgi-bin/service/get_suite_token", json={}).status_code == 503
    assert http.post("/cgi-bin/service/get_suite_token", json={}).status_code == 200


def test_dropped_connection_sends_no_response(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.faults.drop("service/get_suite_token")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/cgi-bin/service/get_suite_token", json={})
    assert http.post("/cgi-bin/service/get_suite_token", json={}).json()["errcode"] == 40083
    assert sandbox.counters["service/get_suite_token"] == 2


def test_latency_makes_a_short_timeout_fire(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.faults.latency("service/get_suite_token", 1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.post("/cgi-bin/service/get_suite_token", json={}, timeout=0.2)
    assert http.post("/cgi-bin/service/get_suite_token", json={}, timeout=5).json()["errcode"] == 40083


def test_slow_body_sends_headers_then_trickles(sandbox: Sandbox, http: httpx.Client) -> None:
    token = suite_token(sandbox, http)
    sandbox.faults.slow_body("service/get_pre_auth_code", 1.0, times=2)
    with http.stream(
        "GET", PRE, params={"suite_access_token": token}, timeout=httpx.Timeout(5, read=0.1)
    ) as response:
        assert response.status_code == 200  # the headers came at once
        with pytest.raises(httpx.ReadTimeout):
            response.read()
    whole = http.get(PRE, params={"suite_access_token": token}, timeout=5).json()
    assert whole["errcode"] == 0
    assert whole["pre_auth_code"]


def test_wildcard_and_until_cleared(sandbox: Sandbox, http: httpx.Client) -> None:
    sandbox.faults.errcode("*", -1, times=None)
    for path in ("service/get_suite_token", "service/get_provider_token", "user/get"):
        assert http.post(f"/cgi-bin/{path}", json={}).json()["errcode"] == -1
    sandbox.faults.clear()
    assert http.post("/cgi-bin/service/get_suite_token", json={}).json()["errcode"] == 40083


def test_faults_reject_nonsense() -> None:
    from wecom_suite.sandbox import Faults

    faults = Faults()
    with pytest.raises(ValueError):
        faults.errcode("x", times=0)
    with pytest.raises(ValueError):
        faults.http_error("x", 200)
    with pytest.raises(ValueError):
        faults.latency("x", -1)


def test_admin_api_faults_and_counters(sandbox: Sandbox, http: httpx.Client) -> None:
    armed = http.post("/sandbox/faults", json={"endpoint": "/cgi-bin/service/get_suite_token", "kind": "errcode",
                                               "errcode": 45009, "times": 1}).json()
    assert armed["faults"][0]["endpoint"] == "service/get_suite_token"
    assert http.post("/cgi-bin/service/get_suite_token", json={}).json()["errcode"] == 45009
    assert http.get("/sandbox/counters").json()["counters"] == {"service/get_suite_token": 1}
    bad = http.post("/sandbox/faults", json={"kind": "explode"})
    assert bad.status_code == 400
    assert "hint" in bad.json()
    http.post("/sandbox/faults", json={"kind": "http_error", "status": 502, "times": None})
    assert http.post("/cgi-bin/service/get_suite_token", json={}).status_code == 502
    assert http.delete("/sandbox/faults").json() == {"faults": []}
    assert http.delete("/sandbox/counters").json() == {"counters": {}}
    assert sandbox.counters.snapshot() == {}


def test_per_minute_limit_answers_45009_until_the_minute_is_over(sandbox: Sandbox, http: httpx.Client) -> None:
    assert http.post("/sandbox/throttle", json={"endpoint": "service/get_suite_token", "per_minute": 2}).json() \
        == {"limits": {"service/get_suite_token": 2}}
    codes = [http.post("/cgi-bin/service/get_suite_token", json={}).json()["errcode"] for _ in range(3)]
    assert codes == [40083, 40083, 45009]
    assert http.post("/cgi-bin/service/get_provider_token", json={}).json()["errcode"] == 40013  # not limited
    sandbox.advance(60)
    assert http.post("/cgi-bin/service/get_suite_token", json={}).json()["errcode"] == 40083
    assert sandbox.counters["service/get_suite_token"] == 4
    http.delete("/sandbox/throttle")
    assert sandbox.throttle.limits() == {}
    with pytest.raises(ValueError):
        sandbox.throttle.limit("x", 0)
