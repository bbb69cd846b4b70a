"""A burst of unique callbacks from concurrent clients through a real `wecom-suite serve` process
(short version of ``bench/load.py``): every one is answered 200, is in the inbox, and gets processed.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.fuzz.fuzz_inputs import CORP, SUITE, config_settings, valid_callback
from wecom_suite.stores.records import CompanyRecord, ItemState
from wecom_suite.stores.url import open_store

CONSOLE_SCRIPT = Path(sys.executable).with_name("wecom-suite")
CLIENTS = 8
PER_CLIENT = 40


def start_serve(tmp_path: Path, store_url: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    config = tmp_path / "suite.toml"
    config.write_text("".join(f'{k} = "{v}"\n' for k, v in config_settings(store_url).items()), encoding="utf-8")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "--config", str(config), "serve", "--port", "0"],
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
                return proc, int(match.group(1)), log
            except OSError:
                pass
        assert proc.poll() is None, text
        assert time.monotonic() < deadline, f"serve did not start:\n{text}"
        time.sleep(0.1)  # polling a child process


def test_a_burst_of_unique_callbacks_is_all_recorded_and_processed(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    installed = open_store(store_url)  # the company the change_contacts are about (else they wait for its install)
    installed.companies.save_company(CompanyRecord(SUITE, CORP, "permanent-code-of-the-burst-company"))
    installed.close()
    proc, port, log = start_serve(tmp_path, store_url)
    now = int(time.time())
    answers: dict[str, int] = {}
    lock = threading.Lock()

    def client(lane: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(PER_CLIENT):
            serial = lane * 1000 + i
            request, digest = valid_callback("suite_ticket" if i % 3 == 0 else "change_contact", serial, now)
            conn.request("POST", f"{request.path}?{request.query_string}", body=request.body)
            response = conn.getresponse()
            response.read()
            with lock:
                answers[digest] = response.status
        conn.close()

    try:
        threads = [threading.Thread(target=client, args=(lane,)) for lane in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(answers) == CLIENTS * PER_CLIENT
        assert set(answers.values()) == {200}, log.read_text()[-3000:]
        store = open_store(store_url)
        try:
            deadline = time.monotonic() + 60
            while store.inbox.stats(SUITE).pending and time.monotonic() < deadline:
                time.sleep(0.2)  # polling the worker of another process
            assert store.inbox.stats(SUITE).pending == 0
            for digest in answers:  # every answered callback is in the inbox, processed
                item = store.inbox.get_item(digest)
                assert item is not None
                assert item.state is ItemState.DONE
        finally:
            store.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
