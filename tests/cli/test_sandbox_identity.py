"""`make run` keeps one sandbox identity per checkout, and `wecom-suite sandbox --only` serves your own service.

Real `wecom-suite sandbox` processes: two runs on one database are the same suite, the company installed
in the first run still gets tokens in the second, and the printed inspect command works as printed.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.html_pages import parse_page
from wecom_suite.app.config import SuiteConfig
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.errors import TicketNotFound
from wecom_suite.testing import bind_loopback, serve_in_thread

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")


def wait_for(predicate: object, what: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen:\n{log.read_text()}"
        time.sleep(0.1)  # polling a child process


@contextmanager
def sandbox_process(cwd: Path, log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`wecom-suite sandbox ARGS` until the block ends; then Ctrl-C, and it must exit 0."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "sandbox", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=cwd,
        )
    try:
        yield proc
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def cli(cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Run a printed `wecom-suite ...` command line as a user would, from ``cwd``."""
    argv = shlex.split(command)
    assert Path(argv[0]).name == "wecom-suite"  # `wecom-suite` on PATH, else the path to it
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def install_a_company(install_url: str) -> str:
    """/install -> the sandbox's consent page -> authorise the first company; its corp id."""
    with httpx.Client(timeout=10, trust_env=False) as http:
        consent_url = parse_page(http.get(install_url).text).links["install"]
        consent = parse_page(http.get(consent_url).text)
        base = consent_url.split("/3rdapp/")[0]
        chosen = consent.radios[0]
        done = http.post(base + consent.action, data={**consent.fields, "corp_id": chosen}, follow_redirects=True)
        assert done.status_code == 200, done.text
        assert chosen in done.text
    return chosen


def test_make_run_keeps_one_identity_and_its_companies(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'data' / 'sandbox.db'}"
    (tmp_path / "data").mkdir()
    args = ("--port", "0", "--store-url", store, "--ticket-interval", "1")

    first_log = tmp_path / "first.log"
    with sandbox_process(tmp_path, first_log, *args):
        wait_for(lambda: "Inspect the store:" in first_log.read_text(), "the start-up lines", first_log)
        text = first_log.read_text()
        assert "==> created the sandbox identity data/sandbox.identity.json" in text
        first_suite = re.search(r"==> sandbox \(WeCom\) at \S+, suite (ww[0-9a-f]{16})", text)
        install = re.search(r"Open (http://\S+/install) ", text)
        assert first_suite is not None
        assert install is not None
        wait_for(lambda: "suite_ticket stored" in first_log.read_text(), "the first ticket", first_log)
        corp_id = install_a_company(install.group(1))
        wait_for(lambda: "pushed create_auth" in first_log.read_text(), "the create_auth push", first_log)
    identity = tmp_path / "data" / "sandbox.identity.json"
    assert identity.stat().st_mode & 0o777 == 0o600  # it holds the suite secret and permanent codes
    assert (tmp_path / "data" / "sandbox.toml").stat().st_mode & 0o777 == 0o600

    second_log = tmp_path / "second.log"
    with sandbox_process(tmp_path, second_log, *args):
        wait_for(lambda: "suite_ticket stored" in second_log.read_text(), "the first ticket", second_log)
        text = second_log.read_text()
        assert "==> using the sandbox identity data/sandbox.identity.json" in text
        second_suite = re.search(r"==> sandbox \(WeCom\) at \S+, suite (ww[0-9a-f]{16})", text)
        assert second_suite is not None
        assert second_suite.group(1) == first_suite.group(1)  # before: a new suite every run
        (inspect,) = re.findall(r"Inspect the store: (\S*wecom-suite .+)$", text, flags=re.MULTILINE)
        assert re.fullmatch(r"\S*wecom-suite --config data/sandbox\.toml corps list", inspect), inspect
        listed = cli(tmp_path, inspect)
        assert listed.returncode == 0, listed.stderr
        assert re.search(rf"^{corp_id}\tactive\t", listed.stdout, flags=re.MULTILINE), listed.stdout
        # The company installed in the first run is not orphaned: this run's WeCom knows its permanent code.
        fetched = cli(tmp_path, f"wecom-suite --config data/sandbox.toml token corp {corp_id} --fetch")
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        assert fetched.stdout.startswith("access_token: ")


def test_sandbox_only_serves_your_own_service_with_the_printed_exports(tmp_path: Path) -> None:
    sock = bind_loopback()
    callback = f"http://127.0.0.1:{sock.getsockname()[1]}/wecom/callback/instruction"
    log = tmp_path / "only.log"
    args = ("--only", "--sandbox-port", "0", "--callback-url", callback, "--ticket-interval", "1",
            "--identity", str(tmp_path / "only.identity.json"))
    with sandbox_process(tmp_path, log, *args):
        wait_for(lambda: "export WECOM_AUTH_TYPE=test" in log.read_text(), "the export lines", log)
        exports = dict(re.findall(r"^export (WECOM_\w+)=(\S+)$", log.read_text(), flags=re.MULTILINE))
        assert set(exports) >= {"WECOM_SUITE_ID", "WECOM_SUITE_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY",
                                "WECOM_API_BASE_URL"}
        config = SuiteConfig.from_env({**exports, "WECOM_STORE_URL": "memory://"})
        with SuiteApp(config) as app, serve_in_thread(app, sock=sock):

            def has_ticket() -> bool:
                try:
                    return bool(app.store.tickets.get_ticket(config.suite_id).ticket)
                except TicketNotFound:
                    return False

            wait_for(has_ticket, "a suite_ticket pushed to our own service", log)
            assert app.client.suite_token.token()  # and the exported API URL is the sandbox's
