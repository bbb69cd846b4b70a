"""A real ``wecom-suite serve --workers 2``: the library's INFO lines from the workers reach the log,
formatted like the parent's (text or JSON), and no secret does."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from wecom_suite.clock import SystemClock
from wecom_suite.sandbox import Sandbox

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: object, what: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen:\n{log.read_text()}"
        time.sleep(0.1)  # polling a child process


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2, trust_env=False)
    except httpx.TransportError:
        return False
    return True


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_workers_log_the_librarys_info_lines(tmp_path: Path, log_format: str) -> None:
    port = free_port()
    service = f"http://127.0.0.1:{port}"
    with Sandbox(  # its own: real time, for `serve` worker processes
        clock=SystemClock(),
        callback_url=f"{service}/wecom/callback/instruction",
        ticket_interval=None,
        background_pushes=False,
    ) as sandbox:
        s = sandbox.settings
        config = tmp_path / "suite.toml"
        config.write_text(
            f'suite_id = "{s.suite_id}"\nsuite_secret = "{s.suite_secret}"\ntoken = "{s.token}"\n'
            f'encoding_aes_key = "{s.encoding_aes_key}"\nprovider_corp_id = "{s.provider_corp_id}"\n'
            f'api_base_url = "{s.api_base_url}"\nstore_url = "sqlite:///{tmp_path / "workers.db"}"\n',
            encoding="utf-8",
        )
        out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [str(CONSOLE_SCRIPT), "serve", "--config", str(config), "--port", str(port), "--workers", "2",
                 "--log-format", log_format],
                stdout=stdout,
                stderr=stderr,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                cwd=tmp_path,
            )
        try:
            wait_for(lambda: answers(f"{service}/ready-probe"), "the service answering", err)  # a 404, no effect
            delivery = sandbox.push_ticket()
            assert delivery is not None
            assert delivery.ok, delivery.as_json()
            wait_for(lambda: "suite_ticket stored" in err.read_text(), "the worker's INFO line", err)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
    lines = [line for line in err.read_text().splitlines() if line.strip()]
    everything = out.read_text() + err.read_text()
    for secret in (s.suite_secret, s.token, s.encoding_aes_key):
        assert secret not in everything
    if log_format == "json":
        entries = [json.loads(line) for line in lines]  # every line, from every process, is one JSON object
        # The sandbox's first ticket and the pushed one may reach different workers: each announces its
        # first ticket once at INFO (never twice in one process).
        announced = [e for e in entries if "suite_ticket stored" in e["message"]]
        assert announced
        assert len({e["process"] for e in announced}) == len(announced)
        stored = announced[0]
        assert stored["level"] == "INFO"
        assert stored["logger"] == "wecom_suite.lifecycle"
        assert stored["process"] != proc.pid  # written by a worker, not the supervisor
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", stored["time"])
        assert len({e["process"] for e in entries}) >= 2
    else:
        announced = [line for line in lines if "suite_ticket stored" in line]
        assert announced
        assert len({line.split("[", 1)[1].split("]", 1)[0] for line in announced}) == len(announced)
        stored = announced[0]
        match = re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO    \[(\d+)\] wecom_suite\.lifecycle: suite ", stored)
        assert match is not None, stored
        assert int(match.group(1)) != proc.pid  # written by a worker, not the supervisor
        timed = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\[\d+\] [\w.]+: ")
        assert all(timed.match(line) for line in lines), lines  # warnings too: time, level, logger
