"""Shared fixtures: the one test clock, a real Redis server, PostgreSQL and headless Chromium (Debian's packages).

``make test`` installs ``redis-server``, ``postgresql`` and ``chromium`` when they are missing, so these fixtures
fail loudly (never skip) when a service cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.postgres_server import PostgresServer, PostgresStartError, start_postgres
from wecom_suite.clock import ManualClock

CHROMIUM = os.environ.get("WECOM_SUITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


CLOCK_START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC, where every test's ManualClock starts


@pytest.fixture
def clock() -> ManualClock:
    """The test's one clock: a ManualClock at CLOCK_START. Inject it and ``advance()`` it; nothing sleeps."""
    return ManualClock(CLOCK_START)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RedisServer:
    host: str
    port: int
    process: subprocess.Popen[bytes]

    def url(self, db: int = 0) -> str:
        return f"redis://{self.host}:{self.port}/{db}"

    def flushall(self) -> None:
        import redis

        client = redis.Redis(host=self.host, port=self.port)
        try:
            client.flushall()
        finally:
            client.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real ``redis-server`` on a free loopback port, for the whole test session."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed: run `make test`, which installs Debian's redis-server")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="wecom-suite-redis-")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"redis-server did not start on port {port}")
        time.sleep(0.05)  # polling for a child process to come up, not waiting for a clock
    try:
        yield RedisServer("127.0.0.1", port, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """An empty Redis database for one test."""
    redis_server.flushall()
    yield redis_server.url(0)
    redis_server.flushall()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster (Debian's postgresql) on a free loopback port, for the session."""
    try:
        server = start_postgres()
    except PostgresStartError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty schema of the session's PostgreSQL for one test (its URL selects the schema)."""
    return postgres_server.create_schema()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A real headless Chromium (Debian's package) driven by Playwright's Python API.

    Module-scoped: Playwright's sync API keeps an event loop running in the main thread while it is
    open, which would break every later asyncio test of the session.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()
