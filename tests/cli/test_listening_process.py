"""The real `wecom-suite serve` process answers one request at a time without a delayed-ACK stall.

Before the listening socket got TCP_NODELAY, every response through `serve` took ~45 ms (the client's
delayed ACK), even a 404; plain uvicorn answers the same in ~1 ms. The bound here (median under 20 ms
over 40 requests on one keep-alive connection) sits far from both, so machine noise does not decide it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wecom_suite.crypto import generate_encoding_aes_key

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")
STALL_FREE_MEDIAN_S = 0.020


def start_serve(tmp_path: Path, workers: int) -> tuple[subprocess.Popen[bytes], int, Path]:
    config = tmp_path / "suite.toml"
    config.write_text(
        'suite_id = "wwlatency00000001"\nsuite_secret = "latency-suite-secret-0123456789"\ntoken = "tok123"\n'
        f'encoding_aes_key = "{generate_encoding_aes_key()}"\nstore_url = "sqlite:///{tmp_path / "store.db"}"\n',
        encoding="utf-8",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "--config", str(config), "serve", "--port", "0", "--workers", str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    deadline = time.monotonic() + 60
    while True:
        text = log.read_text(errors="replace")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", text)
        if match:
            try:
                socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=1).close()
            except OSError:
                pass
            else:
                return proc, int(match.group(1)), log
        assert proc.poll() is None, text
        assert time.monotonic() < deadline, f"serve did not start:\n{text}"
        time.sleep(0.1)  # polling a child process


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_without_a_delayed_ack_stall(tmp_path: Path, workers: int) -> None:
    proc, port, log = start_serve(tmp_path, workers)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        times = []
        for _ in range(45):
            start = time.perf_counter()
            conn.request("GET", "/no-such-path")
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter() - start)
            assert response.status == 404
        conn.close()
        median = statistics.median(times[5:])  # the first few pay for imports and connection set-up
        assert median < STALL_FREE_MEDIAN_S, f"median {median * 1e3:.1f} ms: {[round(t * 1e3, 1) for t in times]}"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
