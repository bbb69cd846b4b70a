"""A throwaway PostgreSQL cluster on a free loopback port, from Debian's ``postgresql`` package.

Used by the session fixture ``postgres_server`` (tests/conftest.py) and by the benchmarks
(bench/registry.py, bench/tokens.py), so there is one way to start one. ``initdb`` refuses to run as
root, so as root (CI) the cluster is created and run by the ``postgres`` system user (the package
creates it) through ``runuser``; otherwise by the current user. The data directory lives in a fresh
temporary directory removed by :meth:`PostgresServer.stop`. It listens on 127.0.0.1 only, with
``trust`` authentication (no password): a test cluster on a loopback port, never a service.

fsync stays on (the default), so the tests run the server as it is deployed. Measured for the 47 tests
of tests/stores/test_postgres_*.py on this shared 2-core box under load average 11-13: 29-54 s with fsync
on, 20-27 s with it off; at load ~7 an earlier version took 26 s either way. Tens of seconds at worst in
a suite of several minutes: not worth a server unlike production. ``initdb`` runs with ``--no-sync``
(its own flushes only; the cluster is thrown away).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

__all__ = ["PostgresServer", "PostgresStartError", "find_bin_dir", "postgres_server", "start_postgres"]

SUPERUSER = "postgres"
MAX_CONNECTIONS = 300  # the single-flight test runs 9 processes of up to 10 pooled connections each


class PostgresStartError(RuntimeError):
    """The cluster could not be created or started; the message says why and how to fix it."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<major>/bin`` with initdb and pg_ctl (Debian's layout)."""
    found = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if os.access(Path(p) / "initdb", os.X_OK)),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise PostgresStartError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "run `make test`, which installs Debian's postgresql package"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running cluster: connect as the ``postgres`` superuser over loopback TCP, no password."""

    host: str
    port: int
    bin_dir: Path
    workdir: Path
    as_root: bool
    _names: Iterator[int] = field(default_factory=lambda: count(1), repr=False)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", SUPERUSER, "--", *args] if self.as_root else list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=check, cwd=self.workdir)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # our own fixed statements, never user input

    def create_schema(self, prefix: str = "t") -> str:
        """A new empty schema in the ``postgres`` database; a URL whose connections use only it.

        Much cheaper than a database per test (CREATE DATABASE copies a template: ~0.2 s here), and it
        exercises the ``options=-csearch_path`` form docs/deployment.md recommends.
        """
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE SCHEMA "{name}"')
        return f"{self.url()}?options=-csearch_path%3D{name}"

    def restart(self) -> None:
        """Stop the server (closing every connection to it) and start it again on the same port."""
        done = self._run(
            str(self.bin_dir / "pg_ctl"), "restart", "-w", "-t", "60", "-m", "fast", "-D", str(self.workdir / "data"),
            "-l", str(self.workdir / "server.log"), check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise PostgresStartError(f"PostgreSQL did not restart: {done.stderr[-2000:]}")

    def stop(self) -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.workdir / "data"), "-m", "immediate", check=False
        )
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """Create and start a cluster; raises :class:`PostgresStartError` with initdb's or the server's log."""
    bin_dir = find_bin_dir()
    as_root = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="wecom-suite-pg-"))
    if as_root:
        if shutil.which("runuser") is None:
            raise PostgresStartError("running as root needs runuser (util-linux) to start PostgreSQL as postgres")
        try:
            shutil.chown(workdir, SUPERUSER, SUPERUSER)
        except (LookupError, OSError) as exc:
            raise PostgresStartError(
                f"running as root, but the '{SUPERUSER}' system user is missing ({exc}): "
                "install Debian's postgresql package, which creates it"
            ) from exc
    server = PostgresServer("127.0.0.1", _free_port(), bin_dir, workdir, as_root)
    data, log = workdir / "data", workdir / "server.log"
    initdb = server._run(
        str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale",
        "--no-sync",  # initdb's own flushes only: a throwaway cluster; the server keeps fsync on
        check=False,
    )  # fmt: skip
    if initdb.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PostgresStartError(f"initdb failed ({initdb.returncode}): {initdb.stderr[-2000:]}")
    options = (
        f"-p {server.port} -k {workdir} -c listen_addresses=127.0.0.1 -c max_connections={MAX_CONNECTIONS}"
        " -c shared_buffers=32MB"
    )
    started = server._run(
        str(bin_dir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(log), "-o", options,
        check=False,
    )  # fmt: skip
    if started.returncode != 0:
        text = log.read_text(errors="replace")[-3000:] if log.exists() else started.stderr
        server.stop()
        raise PostgresStartError(f"PostgreSQL did not start on port {server.port}: {text}")
    return server


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a cluster for the ``with`` block, stop it (and delete its files) after."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()
