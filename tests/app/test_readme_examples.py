"""The README's Flask and FastAPI examples, run as written against the sandbox (so they stay true)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from wecom_suite.clock import SystemClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.pushes.callback_sealing import seal_post
from wecom_suite.sandbox.pushes.notifications import create_auth_xml, suite_ticket_xml

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(heading: str) -> str:
    """The first ```python block under ``## heading`` in the README: the test runs exactly what users read."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


FLASK_EXAMPLE = readme_block("Ten lines with Flask")
FASTAPI_EXAMPLE = readme_block("Ten lines with FastAPI")


@pytest.fixture
def sandbox_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Its own Sandbox: the README's code runs on real time (SystemClock), not on wecom_sandbox's ManualClock.
    with Sandbox(clock=SystemClock(), ticket_interval=None, background_pushes=False) as sandbox:
        s = sandbox.settings
        for name, value in {
            "WECOM_SUITE_ID": s.suite_id,
            "WECOM_SUITE_SECRET": s.suite_secret,
            "WECOM_TOKEN": s.token,
            "WECOM_ENCODING_AES_KEY": s.encoding_aes_key,
            "WECOM_PROVIDER_CORP_ID": s.provider_corp_id,
            "WECOM_API_BASE_URL": s.api_base_url,
            "WECOM_INSTALL_BASE_URL": s.install_base_url,
            "WECOM_STORE_URL": f"sqlite:///{tmp_path / 'example.db'}",
        }.items():
            monkeypatch.setenv(name, value)
        yield sandbox


def install_through(post: Any, sandbox: Sandbox, suite: Any) -> str:
    """Deliver a ticket and a create_auth the way WeCom would, then wait for the worker thread."""
    s = sandbox.settings
    corp_id = sandbox.company().corp_id
    ts = int(time.time())
    for plaintext in (
        suite_ticket_xml(s.suite_id, sandbox.issue_ticket(), ts),
        create_auth_xml(s.suite_id, sandbox.install(corp_id, push=False), "", ts),
    ):
        sealed = seal_post(
            "/wecom/callback/instruction",
            token=s.token,
            encoding_aes_key=s.encoding_aes_key,
            receive_id=s.suite_id,
            to_user_name=s.suite_id,
            agent_id="",
            plaintext=plaintext,
            timestamp=ts,
        )
        assert post(sealed.url, sealed.body) == "success"
    deadline = time.monotonic() + 20
    while suite.store.companies.get_company(s.suite_id, corp_id) is None:
        assert time.monotonic() < deadline, "the worker thread did not install the company"
        time.sleep(0.05)  # polling the app's own worker thread
    return corp_id


def test_flask_example(sandbox_env: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {"__name__": "flask_example"}
    exec(compile(FLASK_EXAMPLE, "flask_example.py", "exec"), namespace)  # noqa: S102 - our own example text
    suite, client = namespace["suite"], namespace["web"].test_client()
    try:
        corp_id = install_through(
            lambda url, body: client.post(url, data=body, content_type="text/xml").get_data(as_text=True),
            sandbox_env,
            suite,
        )
        answer = client.get(f"/departments/{corp_id}").get_json()
        assert answer["errcode"] == 0
        assert answer["department"]
        deadline = time.monotonic() + 10
        expected = f"installed by {sandbox_env.company(corp_id).corp_name}"
        while expected not in capsys.readouterr().out:
            assert time.monotonic() < deadline
            time.sleep(0.05)  # the handler runs in the worker thread
    finally:
        suite.close()


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_fastapi_example(sandbox_env: Sandbox) -> None:
    from starlette.testclient import TestClient

    namespace: dict[str, Any] = {"__name__": "fastapi_example"}
    exec(compile(FASTAPI_EXAMPLE, "fastapi_example.py", "exec"), namespace)  # noqa: S102 - our own example text
    suite = namespace["suite"]
    try:
        with TestClient(namespace["api"]) as client:
            corp_id = install_through(
                lambda url, body: client.post(url, content=body, headers={"content-type": "text/xml"}).text,
                sandbox_env,
                suite,
            )
            answer = client.get(f"/departments/{corp_id}").json()
        assert answer["errcode"] == 0
        assert answer["department"]
    finally:
        suite.close()
