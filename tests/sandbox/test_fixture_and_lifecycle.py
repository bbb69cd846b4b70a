"""The shipped ``wecom_sandbox`` fixture, start/stop, run_forever, the admin API's other knobs, and hygiene."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import httpx
import pytest

import wecom_suite.sandbox as sandbox_pkg
from wecom_suite.clock import ManualClock, SystemClock
from wecom_suite.sandbox import Sandbox, run_forever

from .conftest import Receiver


def test_wecom_sandbox_fixture_is_a_running_sandbox_on_a_manual_clock(
    wecom_sandbox: Sandbox, wecom_sandbox_clock: ManualClock
) -> None:
    assert wecom_sandbox.clock is wecom_sandbox_clock
    s = wecom_sandbox.settings
    answer = httpx.post(f"{s.api_base_url}/cgi-bin/service/get_suite_token", trust_env=False, json={
        "suite_id": s.suite_id, "suite_secret": s.suite_secret, "suite_ticket": wecom_sandbox.issue_ticket()}).json()
    assert answer["errcode"] == 0
    assert wecom_sandbox.counters["service/get_suite_token"] == 1


def test_stop_frees_the_port_and_is_idempotent(clock: ManualClock) -> None:
    sandbox = Sandbox(clock=clock).start()
    url = sandbox.base_url
    assert httpx.get(url + "/", trust_env=False).status_code == 200
    sandbox.stop()
    sandbox.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/", trust_env=False, timeout=2)


def test_unstarted_sandbox_has_no_base_url() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = Sandbox(clock=ManualClock()).base_url


def test_advance_needs_a_manual_clock() -> None:
    sandbox = Sandbox(clock=SystemClock())
    with pytest.raises(TypeError):
        sandbox.advance(1)
    sandbox.stop()
    with pytest.raises(RuntimeError, match="cannot be started again"):
        sandbox.start()


def test_settings_repr_hides_secrets(sandbox: Sandbox) -> None:
    text = repr(sandbox.settings)
    for secret in (sandbox.settings.suite_secret, sandbox.settings.encoding_aes_key, sandbox.settings.token,
                   sandbox.settings.provider_secret):
        assert secret not in text
    assert sandbox.settings.suite_id in text


def test_admin_settings_clock_companies_and_codes(sandbox: Sandbox, http: httpx.Client, clock: ManualClock) -> None:
    assert http.get("/sandbox/settings").json()["suite_secret"] == sandbox.settings.suite_secret
    now = http.post("/sandbox/clock", json={"seconds": 90}).json()
    assert now == {"now": 1_700_000_090, "manual": True}
    assert clock.now() == 1_700_000_090
    companies = http.get("/sandbox/companies").json()["companies"]
    assert [c["corp_id"] for c in companies] == list(sandbox.companies)
    corp_id = companies[0]["corp_id"]
    refused = http.post(f"/sandbox/companies/{corp_id}/oauth_code", json={"userid": "lisi"})
    assert refused.status_code == 409
    assert refused.json()["errcode"] == 48004
    http.post(f"/sandbox/companies/{corp_id}/install")
    code = http.post(f"/sandbox/companies/{corp_id}/oauth_code", json={"userid": "lisi"}).json()["code"]
    assert sandbox.emulator.book.lookup("oauth_code", code) is not None
    assert http.post(f"/sandbox/companies/{corp_id}/explode").status_code == 404
    ticket = http.post("/sandbox/issue_ticket").json()["suite_ticket"]
    assert sandbox.emulator.ticket_valid(ticket)


def test_run_forever_pushes_a_ticket_at_start_on_real_time() -> None:
    holder: list[Sandbox] = []
    ready = threading.Event()
    stop = threading.Event()
    probe = Sandbox(clock=ManualClock())  # only to own the settings the receiver checks against
    receiver = Receiver(probe)

    def announce(sandbox: Sandbox) -> None:
        holder.append(sandbox)
        probe._settings = sandbox.settings
        ready.set()

    thread = threading.Thread(target=run_forever, kwargs={
        "port": 0, "callback_url": receiver.url, "ticket_interval": 600, "announce": announce, "stop": stop})
    thread.start()
    try:
        assert ready.wait(15)
        sandbox = holder[0]
        assert isinstance(sandbox.clock, SystemClock)
        sandbox.pushes.wait_for(lambda items: bool(items) and items[0].done, timeout=15)
        (delivery,) = sandbox.pushes.all()
        assert delivery.ok
        assert delivery.label == "suite_ticket"
        assert receiver.posts()[0].event["InfoType"] == "suite_ticket"
    finally:
        stop.set()
        thread.join(15)
        receiver.close()
    assert not thread.is_alive()


ALLOWED = {"crypto", "xml", "events", "clock", "redaction", "errors", "serving", "background"}


def test_the_sandbox_imports_only_the_pure_layers() -> None:
    root = Path(sandbox_pkg.__file__).parent
    paths = sorted(root.rglob("*.py"))
    assert any(path.parent != root for path in paths), "the sandbox's subfolders are checked too"
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        depth = len(path.relative_to(root).parts) - 1  # 0 for sandbox/x.py, 1 for sandbox/rules/x.py
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > depth + 1:
                assert node.level == depth + 2, f"{path.name} climbs above wecom_suite"
                top = (node.module or "").split(".")[0]
                assert top in ALLOWED, f"{path.name} imports wecom_suite.{top}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                for name in names:
                    if name.startswith("wecom_suite."):
                        assert name.split(".")[1] in ALLOWED | {"sandbox"}, f"{path.name} imports {name}"


def test_a_port_in_use_is_a_config_error(sandbox: Sandbox, clock: ManualClock) -> None:
    from wecom_suite.errors import ConfigError

    taken = int(sandbox.base_url.rsplit(":", 1)[1])
    with pytest.raises(ConfigError, match="cannot listen"):
        Sandbox(clock=clock, port=taken).start()


def test_bad_settings_are_config_errors() -> None:
    from wecom_suite.errors import ConfigError

    with pytest.raises(ConfigError, match="install_delivery"):
        Sandbox(clock=ManualClock(), install_delivery="carrier pigeon")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="ticket_interval"):
        Sandbox(clock=ManualClock(), ticket_interval=0)
