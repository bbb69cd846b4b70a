"""wecom_suite.testing: serving a SuiteApp in a test is one line, and it writes no file in the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from wecom_suite.sandbox import Sandbox
from wecom_suite.testing import serve_in_thread, suite_app_for
from wecom_suite.testing.plugin import ServedSuite


def test_serve_in_thread_yields_a_base_url_and_stops(wecom_sandbox: Sandbox) -> None:
    with suite_app_for(wecom_sandbox, start_worker=False) as app:
        with serve_in_thread(app) as base_url:
            assert base_url.startswith("http://127.0.0.1:")
            answer = httpx.get(f"{base_url}/wecom/callback/system", timeout=5, trust_env=False)
            assert answer.status_code in (200, 400)  # the app answered (URL verification without parameters)
        with pytest.raises(httpx.TransportError):  # stopped: nothing listens there any more
            httpx.get(f"{base_url}/wecom/install", timeout=2, trust_env=False)


def test_suite_app_for_uses_memory_not_a_file_in_the_working_directory(
    wecom_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with suite_app_for(wecom_sandbox, start_worker=False) as app:
        assert app.config.store_url.get_secret_value() == "memory://"
    assert os.listdir(tmp_path) == []


def test_the_service_fixture_receives_the_sandboxs_pushes(
    wecom_sandbox: Sandbox, wecom_suite_service: ServedSuite
) -> None:
    app, base_url = wecom_suite_service
    delivery = wecom_sandbox.push_ticket()
    assert delivery is not None
    assert delivery.ok, delivery.as_json()
    assert app.store.tickets.get_ticket(app.config.suite_id).ticket
    assert app.process_pending() == 1
    page = httpx.get(f"{base_url}{app.config.url_prefix}/install", timeout=5, trust_env=False)
    assert page.status_code == 200
    assert wecom_sandbox.settings.install_base_url in page.text


DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"


def test_the_documented_service_example_runs(wecom_sandbox: Sandbox, wecom_suite_service: ServedSuite) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A whole service in a test", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    test = namespace["test_a_ticket_reaches_my_service"]
    test(wecom_sandbox, wecom_suite_service)  # type: ignore[operator]
