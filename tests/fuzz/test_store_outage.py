"""The store goes away while callbacks arrive (short version of ``bench/faults.py --phases redis``).

A real redis-server with persistence on is stopped and started again: while it is down every callback
gets a 503 (WeCom re-sends), never a 500 or an exception; when it is back the same app records again
without a restart, and every callback answered 200 is in the inbox.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.fuzz_check import Tally, Target, exercise
from tests.fuzz.fuzz_inputs import KEY, START, SUITE, TOKEN, config_settings, valid_callback
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.callback import CallbackReceiver
from wecom_suite.clock import ManualClock
from wecom_suite.stores.url import open_store


class Redis:
    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.fail("redis-server is not installed: run `make test`, which installs Debian's redis-server")
        self.cmd = [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(directory)]
        self.cmd += ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert self.proc.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)  # polling for a child process to come up

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis-server flushes its AOF and exits
            self.proc.wait(30)


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_stopped_and_started_again(redis: Redis) -> None:
    clock = ManualClock(START)
    store = open_store(redis.url, clock)
    app = SuiteApp(store=store, clock=clock, start_worker=False, **config_settings(redis.url))
    target = Target(clock, store, app, CallbackReceiver(TOKEN, KEY, SUITE, clock=clock, suite_id=SUITE))  # type: ignore[arg-type]
    tally = Tally()
    acknowledged: list[str] = []
    statuses: dict[str, list[int]] = {"before": [], "down": [], "after": []}
    serial = 0
    try:
        for phase in ("before", "down", "after"):
            if phase == "down":
                redis.stop()
            if phase == "after":
                redis.start()
            for info_type in ["suite_ticket", "change_contact"] * 3:
                serial += 1
                request, digest = valid_callback(info_type, serial)
                status = exercise(target, request, tally)
                statuses[phase].append(status)
                if status == 200:
                    acknowledged.append(digest)
        # no exception out of handle() and no 5xx but the 503s of the outage (the one allowed 5xx)
        assert tally.finding_count == 6, tally.findings
        assert all(f.startswith("503 ") for f in tally.findings), tally.findings
        assert statuses == {"before": [200] * 6, "down": [503] * 6, "after": [200] * 6}
        probe = open_store(redis.url)
        try:
            for digest in acknowledged:  # every acknowledged callback is in the inbox
                assert probe.inbox.get_item(digest) is not None
        finally:
            probe.close()
    finally:
        app.close()
        store.close()
