"""No secret in any log line, repr or error: run real calls at DEBUG (httpx and httpcore included),
successes and failures, then search everything captured for every credential involved."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from wecom_suite.errors import WeComSuiteError
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import MemoryStore
from wecom_suite.tokens import corp_token_key, provider_token_key, suite_token_key


async def test_nothing_secret_reaches_logs_reprs_or_errors(
    api: Any, sandbox: Sandbox, store: MemoryStore, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # root, wecom_suite.api, httpx, httpcore: everything
    settings = sandbox.settings
    company = sandbox.company()
    seen: list[str] = []

    corp = api.corp(company.corp_id)
    seen.append(repr(await corp.get_jsapi_ticket()))
    seen.append(repr(await corp.get_agent_config_ticket()))
    seen.append(repr(await api.get_login_info(sandbox.issue_login_code(company.corp_id, company.admins[0].userid))))
    pre = await api.get_pre_auth_code()
    seen.append(repr(pre))
    other = list(sandbox.companies.values())[1]
    auth_code = sandbox.install(other.corp_id, push=False)
    info = await api.get_permanent_code(auth_code)
    seen.append(repr(info))
    code = sandbox.issue_oauth_code(company.corp_id, company.admins[0].userid, scope="snsapi_privateinfo")
    user = await api.get_user_info_3rd(code)
    seen.append(repr(user))
    # Failures: a renewed token, retries with logging, and errors whose text we keep.
    sandbox.faults.errcode("service/get_pre_auth_code", 42009, times=1)
    sandbox.faults.errcode("get_jsapi_ticket", -1, times=1)
    await api.get_pre_auth_code()
    await corp.get_jsapi_ticket()
    sandbox.faults.errcode("service/get_auth_info", 40084)
    for failing in (
        api.get_permanent_code(auth_code),  # used: 40078
        api.get_auth_info(other.corp_id, info.permanent_code),  # injected 40084
        api.get_user_detail_3rd("forged-user-ticket-value"),
    ):
        with pytest.raises(WeComSuiteError) as caught:
            await failing
        seen += [str(caught.value), repr(caught.value), caught.value.hint]
    seen.append(repr(api.raw))
    seen.append(repr(api.raw.suite_token))

    secrets = {
        "suite_secret": settings.suite_secret,
        "provider_secret": settings.provider_secret,
        "suite_ticket": store.tickets.get_ticket(settings.suite_id).ticket,
        "pre_auth_code": pre.pre_auth_code,
        "auth_code": auth_code,
        "oauth code": code,
        "user_ticket": user.user_ticket,
        "permanent_code (installed)": store.companies.get_company(settings.suite_id, company.corp_id).permanent_code,  # type: ignore[union-attr]
        "permanent_code (new)": info.permanent_code,
        "corp token from get_permanent_code": info.access_token,
    }
    for name, key in [
        ("suite token", suite_token_key(settings.suite_id)),
        ("provider token", provider_token_key(settings.provider_corp_id)),
        ("corp token", corp_token_key(settings.suite_id, company.corp_id)),
    ]:
        stored = store.tokens.get_token(key)
        assert stored is not None, f"{name} was never fetched: the test would prove nothing"
        secrets[name] = stored.token

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = [formatter.format(record) for record in caplog.records]
    assert any("HTTP Request" in line for line in logged), "httpx's own request log must be captured too"
    assert any(line.startswith("httpcore") for line in logged)
    assert any("42009" in line or "RenewToken" in line for line in logged)
    out = capsys.readouterr()
    haystack = "\n".join([*logged, caplog.text, out.out, out.err, *seen])
    for name, value in secrets.items():
        assert value, name
        assert value not in haystack, f"{name} leaked"
