"""Fixtures of the store tests: each backend under the shipped contract's :class:`ContractBackend`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stores.store_backends import memory_backend, redis_backend, sqlite_backend
from wecom_suite.testing.store_contract import ContractBackend


@pytest.fixture
def memory_store_backend() -> Iterator[ContractBackend]:
    backend = memory_backend()
    yield backend
    backend.close()


@pytest.fixture
def sqlite_store_backend(tmp_path: Path) -> Iterator[ContractBackend]:
    backend = sqlite_backend(tmp_path / "store.db")
    yield backend
    backend.close()


@pytest.fixture
def redis_store_backend(redis_url: str) -> Iterator[ContractBackend]:
    backend = redis_backend(redis_url)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def redis_cluster_node() -> Iterator[str]:
    """A real ``redis-server`` in cluster mode serving every hash slot alone; yields its URL.

    Scripts marked ``#!lua`` (Redis 7 script flags) that touch keys of two hash slots fail on it, as
    they would on a real cluster: the store's scripts are checked against it.
    """
    import shutil
    import socket
    import subprocess
    import tempfile
    import time

    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed: run `make test`, which installs Debian's redis-server")
    ports = []
    for _ in range(2):  # the client port and the cluster bus port (by default port + 10000, maybe > 65535)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    port, bus_port = ports
    workdir = tempfile.mkdtemp(prefix="wecom-suite-redis-cluster-")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-port", str(bus_port),
         "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        slots_added = False
        while True:
            try:
                if not slots_added:
                    client.execute_command("CLUSTER", "ADDSLOTSRANGE", 0, 16383)
                    slots_added = True
                if b"cluster_state:ok" in client.execute_command("CLUSTER", "INFO"):
                    break
            except redis.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server in cluster mode did not come up on port {port}")
            time.sleep(0.05)  # polling a child process until its cluster state settles, not waiting for a clock
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis_cluster_store_backend(redis_cluster_node: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ContractBackend]:
    import redis

    from wecom_suite.stores.redis import connection

    monkeypatch.setattr(connection, "SCRIPT_HEADER", "#!lua\n")  # the server now refuses cross-slot scripts
    client = redis.Redis.from_url(redis_cluster_node)
    client.flushall()
    backend = redis_backend(redis_cluster_node)
    yield backend
    backend.close()
    client.flushall()
    client.close()
