"""One real `wecom-suite sandbox` process (what `make run` runs): started, used, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.html_pages import parse_page
from wecom_suite.stores.sqlite import SQLiteStore

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")  # what `pip install` puts on PATH


def wait_for(predicate: object, what: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen:\n{log.read_text()}"
        time.sleep(0.1)  # polling a child process


def test_make_run_sandbox_installs_and_stops_cleanly(tmp_path: Path) -> None:
    assert CONSOLE_SCRIPT.is_file(), f"the console script is not installed: pip install -e . ({CONSOLE_SCRIPT})"
    log = tmp_path / "sandbox.log"
    db = tmp_path / "sandbox.db"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(CONSOLE_SCRIPT),
                "sandbox",
                "--port",
                "0",
                "--store-url",
                f"sqlite:///{db}",
                "--ticket-interval",
                "1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=tmp_path,
        )
    try:
        wait_for(lambda: re.search(r"Open (http://\S+/install) ", log.read_text()), "the install URL", log)
        match = re.search(r"Open (http://\S+/install) ", log.read_text())
        assert match is not None
        install = match.group(1)
        steps = [line for line in log.read_text().splitlines() if line.startswith("==> ")]
        identity = r"==> created the sandbox identity sandbox\.identity\.json \(suite ww[0-9a-f]{16}; .+\)"
        assert re.fullmatch(identity, steps[0])
        assert steps[1] == "==> starting the WeCom sandbox (authorisation callbacks must be answered within 1 s)"
        assert re.fullmatch(r"==> sandbox \(WeCom\) at http://127\.0\.0\.1:\d+, suite ww[0-9a-f]{16}", steps[2])
        service = re.fullmatch(r"==> starting the suite service at (http://127\.0\.0\.1:\d+) \(store (.+)\)", steps[3])
        assert service is not None, steps
        assert install.startswith(service.group(1) + "/wecom/")
        assert service.group(2) == f"sqlite:///{db}"
        with httpx.Client(timeout=10) as http:
            wait_for(lambda: http.get(install).status_code == 200, "the first suite_ticket", log)
            start = parse_page(http.get(install).text)
            consent_url = start.links["install"]
            consent = parse_page(http.get(consent_url).text)
            base = consent_url.split("/3rdapp/")[0]
            chosen = consent.radios[0]
            done = http.post(base + consent.action, data={**consent.fields, "corp_id": chosen}, follow_redirects=True)
            assert done.status_code == 200, done.text
            assert chosen in done.text
        wait_for(lambda: "callback create_auth" in log.read_text(), "the create_auth callback log line", log)
        wait_for(lambda: "pushed create_auth" in log.read_text(), "the create_auth delivery", log)
        text = log.read_text()
        (pushed,) = [line for line in text.splitlines() if "pushed create_auth" in line]
        assert pushed.endswith("(1 attempt(s))"), pushed  # `success` within the 1 s deadline, first try
        assert "suite_ticket stored (later ones are logged at DEBUG)" in text
        assert "refreshed suite_token" in text
        # Tickets keep coming (one a second here), but the log says so once, not once per ticket.
        suite_match = re.search(r"suite (ww[0-9a-f]{16})", text)
        assert suite_match is not None
        seen: set[str] = set()

        def tickets_seen() -> int:
            reader = SQLiteStore(str(db))
            try:
                seen.add(reader.tickets.get_ticket(suite_match.group(1), allow_expired=True).ticket)
            finally:
                reader.close()
            return len(seen)

        wait_for(lambda: tickets_seen() >= 4, "three more suite_tickets", log)
        routine = re.compile(r"suite_ticket stored|pushed suite_ticket|callback suite_ticket")
        ticket_lines = [line for line in log.read_text().splitlines() if routine.search(line)]
        assert len(ticket_lines) == 2, ticket_lines  # "suite_ticket stored (later ones ...)", "pushed suite_ticket"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert "==> stopping" in log.read_text()
    store = SQLiteStore(str(db))
    try:
        suite_id = re.search(r"suite (ww[0-9a-f]{16})", log.read_text())
        assert suite_id is not None
        record = store.companies.get_company(suite_id.group(1), chosen)
        assert record is not None
        assert record.active
    finally:
        store.close()
