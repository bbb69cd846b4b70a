"""Single flight measured, not assumed: real processes, a real store (SQLite file / Redis / PostgreSQL), and the
sandbox's ``get_suite_token`` over loopback, which counts every call."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wecom_suite.sandbox import Sandbox
from wecom_suite.stores import StoredToken, open_store
from wecom_suite.tokens import suite_token_key
from wecom_suite.tokens.policy import lease_name

WORKER = Path(__file__).with_name("flight_worker.py")
ENDPOINT = "service/get_suite_token"

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(ticket_interval=None) as sb:  # its own: real time, shared with other processes
        yield sb


@pytest.fixture(params=["sqlite", "redis", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tokens.db'}"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


class Worker:
    def __init__(self, cfg: dict[str, Any]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._send(json.dumps(cfg))

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            assert self.proc.stderr is not None
            raise AssertionError(f"worker died (exit {self.proc.returncode}): {self.proc.stderr.read()[-3000:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def wait_ready(self) -> None:
        assert self._read() == {"ready": True}

    def go(self) -> None:
        self._send("go")

    def result(self) -> dict[str, Any]:
        answer = self._read()
        self.proc.wait(timeout=30)
        return answer

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)

    def close(self) -> None:
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _config(sandbox: Sandbox, store_url: str, ticket: str, **kw: Any) -> dict[str, Any]:
    s = sandbox.settings
    cfg = {
        "store_url": store_url,
        "api_base_url": s.api_base_url,
        "suite_id": s.suite_id,
        "suite_secret": s.suite_secret,
        "suite_ticket": ticket,
        "mode": "sync",
        "callers": 1,
        "lease_seconds": 30.0,
    }
    cfg.update(kw)
    return cfg


def _seed_expired_token(store_url: str, suite_id: str) -> None:
    store = open_store(store_url)
    try:
        now = time.time()
        store.tokens.set_token(suite_token_key(suite_id), StoredToken("expired-token", now - 1, now - 7201))
    finally:
        store.close()


def test_processes_threads_and_tasks_asking_at_expiry_cause_exactly_one_fetch(
    sandbox: Sandbox, store_url: str
) -> None:
    ticket = sandbox.issue_ticket()
    _seed_expired_token(store_url, sandbox.settings.suite_id)
    sandbox.faults.latency(ENDPOINT, 0.3)  # keep the one fetch in flight while everyone else arrives
    configs = [_config(sandbox, store_url, ticket, callers=64) for _ in range(8)]
    configs.append(_config(sandbox, store_url, ticket, mode="async", callers=200))
    workers = [Worker(cfg) for cfg in configs]
    try:
        for w in workers:
            w.wait_ready()
        for w in workers:
            w.go()
        results = [w.result() for w in workers]
    finally:
        for w in workers:
            w.close()

    assert [r["errors"] for r in results] == [[]] * len(workers)
    seen = {token for r in results for token in r["tokens"]}
    assert len(seen) == 1
    assert "expired-token" not in seen
    assert sandbox.counters[ENDPOINT] == 1
    stored = open_store(store_url)
    try:
        assert stored.tokens.get_token(suite_token_key(sandbox.settings.suite_id)) is not None
        token = stored.tokens.get_token(suite_token_key(sandbox.settings.suite_id))
        assert token is not None
        assert {token.token} == seen
    finally:
        stored.close()


def test_a_refresher_killed_mid_fetch_is_replaced_after_its_lease(sandbox: Sandbox, store_url: str) -> None:
    """The one test that waits for real time, on purpose: the lease holder is a separate process that is
    SIGKILLed, so no ManualClock of ours reaches it or its store; what is under test is that the
    survivor takes over once the real 2 s lease (wall clock / Redis server TTL) has run out."""
    lease = 2.0  # short, to keep the test fast; long enough that a loaded box still sees it held
    ticket = sandbox.issue_ticket()
    suite_id = sandbox.settings.suite_id
    sandbox.faults.latency(ENDPOINT, lease + 1.5)  # the first fetch outlives its lease
    victim = Worker(_config(sandbox, store_url, ticket, lease_seconds=lease))
    survivor: Worker | None = None
    probe = open_store(store_url)
    try:
        victim.wait_ready()
        victim.go()
        deadline = time.monotonic() + 20
        while sandbox.counters[ENDPOINT] < 1:  # polling for the child to reach the sandbox
            assert time.monotonic() < deadline, "the victim never called get_suite_token"
            time.sleep(0.01)
        victim.kill()  # SIGKILL while it holds the lease, mid-fetch
        assert probe.leases.try_acquire(lease_name(suite_token_key(suite_id)), lease_seconds=lease) is None
        assert probe.tokens.get_token(suite_token_key(suite_id)) is None

        survivor = Worker(_config(sandbox, store_url, ticket, callers=4, lease_seconds=lease))
        survivor.wait_ready()
        survivor.go()
        result = survivor.result()
    finally:
        victim.close()
        if survivor is not None:
            survivor.close()
        probe.close()

    assert result["errors"] == []
    assert len(result["tokens"]) == 1
    assert sandbox.counters[ENDPOINT] == 2  # the dead holder's call and exactly one takeover
    reopened = open_store(store_url)
    try:
        stored = reopened.tokens.get_token(suite_token_key(suite_id))
    finally:
        reopened.close()
    assert stored is not None
    assert [stored.token] == result["tokens"]
