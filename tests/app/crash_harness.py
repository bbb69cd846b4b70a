"""A real ``wecom-suite serve`` killed (SIGKILL) at random while the sandbox installs companies into it.

Used by the short crash test in ``make test`` and by the long run in ``make soak`` (bench/soak_crash.py).
What must hold afterwards: every install the service acknowledged is in the registry with WeCom's current
permanent code, or (only when a kill fell between WeCom's answer and the write) is a
``permanent_code_lost`` dead letter naming its State; nothing is left pending (no endless retry).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from wecom_suite.clock import SystemClock
from wecom_suite.sandbox import Sandbox
from wecom_suite.sandbox.rules.directory import SimCompany, SimDepartment, SimUser, open_userid_for
from wecom_suite.sandbox.settings import new_settings
from wecom_suite.stores import ItemState, open_store

PREFIX = "/wecom"
CLI = [sys.executable, "-c", "from wecom_suite.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, sandbox: Sandbox, store_url: str, *, lease: float = 2, cache_url: str = "") -> None:
    s = sandbox.settings
    cache = f'cache_url = "{cache_url}"\n' if cache_url else ""
    path.write_text(
        cache +
        f'suite_id = "{s.suite_id}"\nsuite_secret = "{s.suite_secret}"\ntoken = "{s.token}"\n'
        f'encoding_aes_key = "{s.encoding_aes_key}"\nprovider_corp_id = "{s.provider_corp_id}"\n'
        f'api_base_url = "{s.api_base_url}"\ninstall_base_url = "{s.install_base_url}"\n'
        f'store_url = "{store_url}"\nurl_prefix = "{PREFIX}"\ninbox_lease_seconds = {lease}\n',
        encoding="utf-8",
    )


def start_service(config: Path, port: int, log: Path, *, timeout: float = 30) -> subprocess.Popen[bytes]:
    """Start ``wecom-suite serve`` and return once it answers (a GET without parameters gets a 400)."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*CLI, "--config", str(config), "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    deadline = time.monotonic() + timeout
    while True:  # polling for a child process to come up
        try:
            if httpx.get(f"http://127.0.0.1:{port}{PREFIX}/callback/instruction", timeout=1).status_code == 400:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the service did not come up:\n" + log.read_text()[-3000:])
        time.sleep(0.05)


def stop_service(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def make_companies(provider_corp_id: str, count: int) -> list[SimCompany]:
    companies = []
    for n in range(count):
        corp_id = f"wwcrash{n:05d}{os.urandom(3).hex()}"
        company = SimCompany(corp_id=corp_id, corp_name=f"压测企业 {n}", agent_id=1000002)
        company.departments[1] = SimDepartment(1, company.corp_name)
        company.users["admin"] = SimUser(
            "admin", "管理员", [1], open_userid_for(provider_corp_id, corp_id, "admin"), is_admin=True
        )
        companies.append(company)
    return companies


@dataclass
class CrashReport:
    installs: int
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (corp id, state)
    kills: int = 0
    installed: int = 0
    lost: list[str] = field(default_factory=list)  # permanent_code_lost dead letters (states)
    missing: list[str] = field(default_factory=list)  # acknowledged, neither installed nor a dead letter
    other_dead: list[str] = field(default_factory=list)
    pending_left: int = 0
    exchanges: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.installs} installs, {len(self.acknowledged)} acknowledged, {self.kills} SIGKILLs: "
                f"{self.installed} installed, {len(self.lost)} permanent_code_lost, {len(self.missing)} missing, "
                f"{len(self.other_dead)} other dead letters, {self.pending_left} pending left, "
                f"{self.exchanges} exchange calls, {self.seconds:.0f} s")


def run_crash_installs(
    tmp: Path,
    store_url: str,
    *,
    installs: int,
    cache_url: str = "",
    kill_probability: float = 0.2,
    kill_jitter: tuple[float, float] = (0.0, 0.15),
    seed: int = 1,
    drain_timeout: float = 120.0,
) -> CrashReport:
    """Install ``installs`` companies one after another; after an acknowledged install, with probability
    ``kill_probability``, SIGKILL the service a random ``kill_jitter`` seconds later (while its worker
    exchanges the code, saves it, or has finished) and start it again."""
    rng = random.Random(seed)
    started = time.monotonic()
    settings = new_settings()
    port = free_port()
    log = tmp / "service.log"
    report = CrashReport(installs)
    with Sandbox(  # its own: real time and fixed settings, for a service process killed and restarted
        clock=SystemClock(),
        settings=settings,
        companies=make_companies(settings.provider_corp_id, installs),
        callback_url=f"http://127.0.0.1:{port}{PREFIX}/callback/instruction",
        ticket_interval=None,
        background_pushes=False,
        retry_delays=(0.2, 0.5, 1.0),
    ) as sandbox:
        config = tmp / "suite.toml"
        write_config(config, sandbox, store_url, cache_url=cache_url)
        proc = start_service(config, port, log)
        try:
            assert sandbox.push_ticket() is not None
            for n, company in enumerate(list(sandbox.emulator.companies.values())):
                state = f"s{n}"
                auth_code = sandbox.install(company.corp_id, state=state, push=False)
                delivery = sandbox.notify_create_auth(auth_code, state)
                if delivery is not None and delivery.ok:
                    report.acknowledged.append((company.corp_id, state))
                if n % 50 == 49:
                    sandbox.push_ticket()  # a fresh ticket now and then, as WeCom pushes every 10 minutes
                if rng.random() < kill_probability:
                    time.sleep(rng.uniform(*kill_jitter))  # a random moment of the processing that follows
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(10)
                    report.kills += 1
                    proc = start_service(config, port, log)
            _check(report, sandbox, store_url, drain_timeout)
        finally:
            stop_service(proc)
        report.exchanges = sandbox.counters["service/v2/get_permanent_code"]
    report.seconds = time.monotonic() - started
    return report


def _check(report: CrashReport, sandbox: Sandbox, store_url: str, drain_timeout: float) -> None:
    suite_id = sandbox.settings.suite_id
    store = open_store(store_url)
    try:
        deadline = time.monotonic() + drain_timeout
        while store.inbox.stats(suite_id).pending and time.monotonic() < deadline:
            time.sleep(0.2)  # polling the service process's progress
        report.pending_left = store.inbox.stats(suite_id).pending
        dead = list(store.inbox.list_items(suite_id, state=ItemState.DEAD, limit=100_000))
        lost_states = {d.last_error.split("State '")[1].split("'")[0] for d in dead
                       if d.last_error.startswith("permanent_code_lost") and "State '" in d.last_error}
        report.other_dead = [d.last_error[:120] for d in dead if not d.last_error.startswith("permanent_code_lost")]
        for corp_id, state in report.acknowledged:
            record = store.companies.get_company(suite_id, corp_id)
            current = sandbox.emulator.companies[corp_id].authorization
            if record is not None and current is not None and record.permanent_code == current.permanent_code:
                report.installed += 1
            elif state in lost_states:
                report.lost.append(state)
            else:
                report.missing.append(corp_id)
    finally:
        store.close()
