"""Real `wecom-suite serve` processes on memory://: metrics on by default, added up across --workers."""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A `wecom-suite serve` process; yields its base URL once /wecom/healthz answers; stopped with Ctrl-C."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "PROMETHEUS_"))},
        "WECOM_SUITE_ID": "wwserve0metrics",
        "WECOM_SUITE_SECRET": "suite-secret-value",
        "WECOM_TOKEN": "callbacktoken",
        "WECOM_ENCODING_AES_KEY": base64.b64encode(bytes(range(32))).decode()[:-1],
        "WECOM_STORE_URL": "memory://",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen([str(CONSOLE_SCRIPT), "serve", "--port", str(port), *args], stdout=out,
                                stderr=subprocess.STDOUT, env=environment, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"serve did not answer:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/wecom/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)  # polling a child process
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def rejected_count(base: str) -> float:
    answer = httpx.get(f"{base}/metrics", timeout=10, headers={"connection": "close"})
    assert answer.status_code == 200, answer.text
    total = 0.0
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if sample.name == "wecom_callbacks_total" and sample.labels.get("outcome") == "rejected":
                total += sample.value
    return total


def reject_one(base: str) -> None:
    answer = httpx.post(f"{base}/wecom/callback/instruction", params={"msg_signature": "x", "timestamp": "1",
                        "nonce": "n"}, content=b"<xml/>", timeout=10, headers={"connection": "close"})
    assert 400 <= answer.status_code < 500


def test_no_metrics_turns_the_endpoint_off(tmp_path: Path) -> None:
    with serving(tmp_path, "--no-metrics") as base:
        answer = httpx.get(f"{base}/metrics", timeout=10)
        assert answer.status_code == 404
        assert "metrics are off" in answer.text
        assert httpx.get(f"{base}/wecom/readyz", timeout=10).json()["checks"]["store"]["ok"] is True


def test_two_workers_report_one_sum(tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    (shared / "counter_999999.db").write_bytes(b"stale")  # left by an earlier run: serve must clear it
    with serving(tmp_path, "--workers", "2", env={"PROMETHEUS_MULTIPROC_DIR": str(shared)}) as base:
        sent = 0
        pids: set[str] = set()
        while len(pids) < 2:  # until both worker processes have counted some (bounded below)
            assert sent < 200, f"one worker took every request: {sorted(os.listdir(shared))}"
            reject_one(base)
            sent += 1
            pids = {m.group(1) for m in (re.fullmatch(r"counter_(\d+)\.db", n) for n in os.listdir(shared)) if m}
        assert "999999" not in pids
        for _ in range(4):  # whichever worker answers the scrape, it reports both
            assert rejected_count(base) == sent
