"""What the process-level benchmarks share: a suite configuration, real `wecom-suite serve` and
bare-uvicorn processes on loopback (optionally pinned to CPUs), a real redis-server, and unique,
validly signed and encrypted instruction callbacks.

Not a benchmark itself (``run_all.py`` skips files starting with ``_``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wecom_suite.crypto import MsgCrypt, compute_signature
from wecom_suite.xml import to_xml

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
CLI = VENV_BIN / "wecom-suite"
TOKEN = "QDG6eK"
KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SUITE = "ww4asffe99e54c0f4c"
CORP = "wxf8b4f85f3a794e77"
PREFIX = "/wecom"
INSTRUCTION_PATH = f"{PREFIX}/callback/instruction"


def cpu_prefix(cpus: str | None) -> list[str]:
    """``taskset -c CPUS`` when asked for and available (one core each for client and server)."""
    if not cpus or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return []
    return ["taskset", "-c", cpus]


def write_config(directory: Path, store_url: str) -> Path:
    path = directory / "suite.toml"
    path.write_text(
        f'suite_id = "{SUITE}"\nsuite_secret = "bench-suite-secret-0123456789abcdef"\ntoken = "{TOKEN}"\n'
        f'encoding_aes_key = "{KEY}"\nstore_url = "{store_url}"\nurl_prefix = "{PREFIX}"\n'
        'api_base_url = "http://127.0.0.1:9"\n',  # nothing listens there: no request may leave the machine
        encoding="utf-8",
    )
    return path


def wait_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    """Until something accepts on 127.0.0.1:port (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s:\n{log.read_text()[-3000:]}")


@dataclass
class Server:
    """A server process on 127.0.0.1:``port``; ``stop()`` sends Ctrl-C and waits (bounded)."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    children: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        )


def _port_from_log(proc: subprocess.Popen[bytes], log: Path, pattern: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return int(match.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"no port in the output:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def serve(config: Path, log: Path, *, workers: int = 1, cpus: str | None = None) -> Iterator[Server]:
    """A real ``wecom-suite --config CONFIG serve --port 0 --workers N`` process."""
    cmd = [*cpu_prefix(cpus), str(CLI), "--config", str(config), "serve", "--port", "0", "--workers", str(workers)]
    proc = _spawn(cmd, log)
    server = Server(proc, _port_from_log(proc, log, r"http://127\.0\.0\.1:(\d+)/"), log)
    try:
        wait_port(server.port, proc, log)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def bare(log: Path, *, workers: int = 1, cpus: str | None = None) -> Iterator[Server]:
    """The ceiling: an ASGI app answering ``success`` under the same uvicorn settings and socket as serve."""
    cmd = [*cpu_prefix(cpus), sys.executable, str(HERE / "_bare_app.py"), "--workers", str(workers)]
    proc = _spawn(cmd, log)
    server = Server(proc, _port_from_log(proc, log, r"bare app on port (\d+)"), log)
    try:
        wait_port(server.port, proc, log)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def redis_server(directory: Path, *, cpus: str | None = None, port: int = 0) -> Iterator[tuple[int, Server]]:
    """A real redis-server with persistence on (appendonly, fsync every second) in ``directory``."""
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    log = directory / "redis.log"
    cmd = [
        *cpu_prefix(cpus),
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
    ]
    proc = _spawn(cmd, log)
    server = Server(proc, port, log)
    try:
        wait_port(port, proc, log)
        yield port, server
    finally:
        server.stop()


# -- callbacks ----------------------------------------------------------------------------------------------


def suite_ticket_xml(i: int, now: int) -> str:
    return to_xml(
        {
            "SuiteId": SUITE,
            "InfoType": "suite_ticket",
            "TimeStamp": now,
            "SuiteTicket": f"bench-ticket-{i:09d}-" + "QkVOQ0hNQVJLT05MWV9ub3RfYV9yZWFsX3RpY2tldA" * 2,
        }
    )


_CHANGE_CONTACT: str | None = None


def change_contact_xml(i: int, now: int) -> str:
    """An update_user with 11 ExtAttr items (~2.9 KB plaintext, ~4 KB on the wire); unique per ``i``."""
    global _CHANGE_CONTACT
    if _CHANGE_CONTACT is None:
        ext = [{"Name": f"属性{k}", "Type": 0, "Text": {"Value": f"value-{k}-" + "x" * 40}} for k in range(11)] + [
            {"Name": "主页", "Type": 1, "Web": {"Title": "企业微信", "Url": "https://work.weixin.qq.com/"}}
        ]
        _CHANGE_CONTACT = to_xml(
            {
                "SuiteId": SUITE,
                "AuthCorpId": CORP,
                "InfoType": "change_contact",
                "TimeStamp": "@NOW@",
                "ChangeType": "update_user",
                "UserID": "@USER@",
                "OpenUserID": "woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA",
                "Name": "张三",
                "Department": "1,2,3,17,42",
                "MainDepartment": 1,
                "IsLeaderInDept": "1,0,0,0,0",
                "DirectLeader": "lisi,wangwu",
                "Mobile": "13800000000",
                "Position": "产品经理",
                "Gender": 1,
                "Email": "zhangsan@example.com",
                "BizMail": "zhangsan@biz.example.com",
                "Status": 1,
                "Avatar": "https://wework.qpic.cn/wwhead/duc2TvpEgSSjibPZlNR6chpx9W3dtd9Ogp8XEmSNKGa6uufMWn2239HUPuwIFoYYZ7Ph580FPvo8/0",
                "Alias": "jackzhang",
                "Telephone": "020-123456",
                "Address": "广州市海珠区新港中路",
                "ExtAttr": {"Item": ext},
            }
        )
    return _CHANGE_CONTACT.replace("@NOW@", str(now)).replace("@USER@", f"user{i:09d}")


@dataclass(frozen=True)
class Callback:
    """One instruction callback as sent: the request target (path + query), the body, and the inbox id."""

    target: str
    body: bytes
    digest: str  # sha256 of receive id + plaintext: the inbox item id (see CallbackContext.digest)


_CRYPT = MsgCrypt(KEY)


def encrypt_callback(plain: str, nonce: str, now: int, path: str = INSTRUCTION_PATH) -> Callback:
    encrypted = _CRYPT.encrypt(plain, SUITE)
    ts = str(now)
    signature = compute_signature(TOKEN, ts, nonce, encrypted)
    body = to_xml({"ToUserName": SUITE, "Encrypt": encrypted, "AgentID": ""}).encode()
    digest = hashlib.sha256(SUITE.encode() + plain.encode()).hexdigest()
    return Callback(f"{path}?msg_signature={signature}&timestamp={ts}&nonce={nonce}", body, digest)


def mixed_callback(i: int, now: int, ticket_share: float = 0.3) -> Callback:
    """Callback number ``i`` of the mix: 30 % suite_ticket (~600 B), 70 % change_contact (~4 KB)."""
    is_ticket = (i * 7919) % 100 < ticket_share * 100  # spread evenly, same mix whatever the count
    plain = suite_ticket_xml(i, now) if is_ticket else change_contact_xml(i, now)
    return encrypt_callback(plain, f"n{i:09d}", now)


def scratch_dir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"wecom-bench-{name}-"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
