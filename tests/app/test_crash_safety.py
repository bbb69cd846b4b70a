"""Crash safety: the service is SIGKILLed right after acknowledging a create_auth; the restarted
service finds the callback in its inbox and installs the company. Real processes, real SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from wecom_suite.app.auth_code_redemption import auth_code_key
from wecom_suite.clock import SystemClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores.sqlite import SQLiteStore

PREFIX = "/wecom"
CLI = [sys.executable, "-c", "from wecom_suite.cli.main import main; main()"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, sandbox: Sandbox, store: Path) -> None:
    s = sandbox.settings
    path.write_text(
        f'suite_id = "{s.suite_id}"\nsuite_secret = "{s.suite_secret}"\ntoken = "{s.token}"\n'
        f'encoding_aes_key = "{s.encoding_aes_key}"\nprovider_corp_id = "{s.provider_corp_id}"\n'
        f'api_base_url = "{s.api_base_url}"\ninstall_base_url = "{s.install_base_url}"\n'
        f'store_url = "sqlite:///{store}"\nurl_prefix = "{PREFIX}"\ninbox_lease_seconds = 2\n',
        encoding="utf-8",
    )


def start_service(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    proc = subprocess.Popen(
        [*CLI, "--config", str(config), "serve", "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    out.close()
    deadline = time.monotonic() + 30
    while True:  # polling for a child process to come up
        try:
            if httpx.get(f"http://127.0.0.1:{port}{PREFIX}/callback/instruction", timeout=1).status_code == 400:
                return proc
        except httpx.TransportError:
            pass
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the service did not come up:\n" + log.read_text()
        time.sleep(0.1)


def test_sigkill_right_after_acknowledging_create_auth(tmp_path: Path) -> None:
    port = free_port()
    store_path = tmp_path / "suite.db"
    log = tmp_path / "service.log"
    with Sandbox(  # its own: real time, for a service in another process (killed on purpose)
        clock=SystemClock(),
        callback_url=f"http://127.0.0.1:{port}{PREFIX}/callback/instruction",
        ticket_interval=None,
        background_pushes=False,  # a push returns once the service has answered
        retry_delays=(),
    ) as sandbox:
        config = tmp_path / "suite.toml"
        write_config(config, sandbox, store_path)
        corp_id = sandbox.company().corp_id
        service = start_service(config, port, log)
        try:
            assert sandbox.push_ticket() is not None
            auth_code = sandbox.install(corp_id, push=False)
            # Another instance is redeeming this auth_code (it holds the redemption lease), so the service's
            # worker waits: the kill below lands after `success` and before the company could be stored.
            other_instance = SQLiteStore(str(store_path))
            key = auth_code_key(sandbox.settings.suite_id, auth_code)
            lease = other_instance.leases.try_acquire(key, lease_seconds=120)
            assert lease is not None
            delivery = sandbox.notify_create_auth(auth_code, "")
            assert delivery is not None
            assert delivery.ok  # acknowledged with `success`
            service.send_signal(signal.SIGKILL)
            service.wait(10)
        finally:
            if service.poll() is None:
                service.kill()
                service.wait(10)
        try:
            assert other_instance.companies.get_company(sandbox.settings.suite_id, corp_id) is None
            assert other_instance.inbox.stats(sandbox.settings.suite_id).pending == 1
            assert other_instance.leases.release(lease)  # the other instance gave up without exchanging
        finally:
            other_instance.close()

        restarted = start_service(config, port, log)
        try:
            store = SQLiteStore(str(store_path))
            try:
                deadline = time.monotonic() + 30
                suite_id = sandbox.settings.suite_id
                # The company is stored first thing after the exchange; the item completes after its auth info.
                while store.companies.get_company(suite_id, corp_id) is None or store.inbox.stats(suite_id).pending:
                    assert time.monotonic() < deadline, "not recovered:\n" + log.read_text()
                    time.sleep(0.1)  # polling the other process's progress
                record = store.companies.get_company(sandbox.settings.suite_id, corp_id)
                assert record is not None
                assert record.active
                assert record.permanent_code == sandbox.emulator.permanent_code(corp_id)
                assert store.inbox.stats(sandbox.settings.suite_id).pending == 0
            finally:
                store.close()
            assert sandbox.counters["service/v2/get_permanent_code"] == 1
        finally:
            restarted.send_signal(signal.SIGTERM)
            try:
                restarted.wait(15)
            except subprocess.TimeoutExpired:
                restarted.kill()
                restarted.wait(10)
