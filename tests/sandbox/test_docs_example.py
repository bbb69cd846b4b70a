"""The user-facing example of docs/sandbox.md, run as written: a user's own test with ``wecom_sandbox``."""

from __future__ import annotations

import pytest

from wecom_suite.api.client import SuiteClient
from wecom_suite.clock import ManualClock
from wecom_suite.errors import WeComError
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores.memory import MemoryStore
from wecom_suite.stores.records import SuiteTicket


def test_my_code_exchanges_an_auth_code(wecom_sandbox: Sandbox, wecom_sandbox_clock: ManualClock) -> None:
    s = wecom_sandbox.settings
    store = MemoryStore(clock=wecom_sandbox_clock)
    store.save_ticket(SuiteTicket(s.suite_id, wecom_sandbox.issue_ticket(), wecom_sandbox_clock.now()))
    with SuiteClient(s.suite_id, s.suite_secret, store=store, base_url=s.api_base_url,
                     clock=wecom_sandbox_clock) as client:
        corp = wecom_sandbox.company()
        auth_code = wecom_sandbox.install(corp.corp_id, state="t1")  # the company authorises the app
        info = client.get_permanent_code(auth_code)
        assert info.corp_id == corp.corp_id
        assert info.state == "t1"
        with pytest.raises(WeComError) as error:  # auth codes are single use
            client.get_permanent_code(auth_code)
        assert error.value.errcode == 40078

        client.get_pre_auth_code()
        client.get_pre_auth_code()
        assert wecom_sandbox.counters["service/get_suite_token"] == 1  # the token was cached

        wecom_sandbox.faults.errcode("service/get_pre_auth_code", -1, times=1)  # "system busy" once
        assert client.get_pre_auth_code().pre_auth_code  # the client retried
        assert wecom_sandbox.counters["service/get_pre_auth_code"] == 4
