"""Single-request latency through the real ``wecom-suite serve`` process against plain ``uvicorn``
serving the same app, in the same run: the serve path must add no latency of its own.

One client, one keep-alive connection, one request at a time (so a 40 ms delayed-ACK stall shows in
full): a GET of an unknown path (404, no store work) and a POST of a unique, valid suite_ticket
callback (recorded in the SQLite inbox). The three servers take turns, round after round, so that the
shared machine's noise falls on all alike. ``old socket`` is the suite app on a listener bound the way
the CLI did before (``socket.socket()``: proto 0, no TCP_NODELAY), to show what the fix removes.
Target: serve's median within 2 ms of plain uvicorn's.

    .venv/bin/python bench/serve_latency.py [--rounds 10] [--per-round 20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import _harness as h

TARGET_MS = 2.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def plain_uvicorn(config: Path, log: Path) -> Iterator[h.Server]:
    """``uvicorn --factory wecom_suite.cli.asgi_factory:create_asgi``: uvicorn binds its own socket."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "wecom_suite.cli.asgi_factory:create_asgi"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off", "--log-level", "info"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "WECOM_SUITE_CONFIG": str(config)}
        )
    server = h.Server(proc, port, log)
    try:
        h.wait_port(port, proc, log)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def old_socket(config: Path, log: Path) -> Iterator[h.Server]:
    """The suite app under uvicorn on a listener bound as the CLI used to bind it."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child-old-socket", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "WECOM_SUITE_CONFIG": str(config)},
        )
    server = h.Server(proc, port, log)
    try:
        h.wait_port(port, proc, log)
        yield server
    finally:
        server.stop()


def child_old_socket(port: int) -> None:
    import uvicorn

    from wecom_suite.cli.asgi_factory import create_asgi

    sock = socket.socket()  # proto 0, Nagle on: what `serve` bound before the fix
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    config = uvicorn.Config(create_asgi(), host="127.0.0.1", port=port, log_level="info", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


class Timer:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.sequence = 0

    def get_404(self) -> float:
        start = time.perf_counter()
        self.conn.request("GET", "/no-such-path")
        response = self.conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 404, response.status
        return elapsed

    def post_callback(self, port_tag: int) -> float:
        self.sequence += 1
        i = port_tag * 1_000_000 + self.sequence
        callback = h.encrypt_callback(h.suite_ticket_xml(i, int(time.time())), f"lat{i}", int(time.time()))
        start = time.perf_counter()
        self.conn.request("POST", callback.target, body=callback.body, headers={"Content-Type": "text/xml"})
        response = self.conn.getresponse()
        text = response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 200, (response.status, text)
        return elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--child-old-socket", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_old_socket:
        child_old_socket(args.child_old_socket)
        return 0
    work = h.scratch_dir("latency")
    names = ["wecom-suite serve", "plain uvicorn", "old socket"]
    results: dict[str, dict[str, list[float]]] = {n: {"GET 404": [], "POST suite_ticket": []} for n in names}
    with contextlib.ExitStack() as stack:
        servers = {
            "wecom-suite serve": stack.enter_context(
                h.serve(h.write_config(_mk(work / "serve"), f"sqlite:///{work}/serve/store.db"), work / "serve.log")
            ),
            "plain uvicorn": stack.enter_context(
                plain_uvicorn(
                    h.write_config(_mk(work / "plain"), f"sqlite:///{work}/plain/store.db"), work / "plain.log"
                )
            ),
            "old socket": stack.enter_context(
                old_socket(h.write_config(_mk(work / "old"), f"sqlite:///{work}/old/store.db"), work / "old.log")
            ),
        }
        timers = {name: Timer(server.port) for name, server in servers.items()}
        for timer in timers.values():  # warm up: imports, the first store write, connection set-up
            for _ in range(5):
                timer.get_404()
                timer.post_callback(9)
        for _ in range(args.rounds):
            for tag, name in enumerate(names):
                for _ in range(args.per_round):
                    results[name]["GET 404"].append(timers[name].get_404())
                    results[name]["POST suite_ticket"].append(timers[name].post_callback(tag))
    print(f"{'server':<20}{'request':<20}{'n':>6}{'median ms':>11}{'p90 ms':>9}{'min ms':>9}")
    for name in names:
        for kind, values in results[name].items():
            print(
                f"{name:<20}{kind:<20}{len(values):>6}{statistics.median(values) * 1e3:>11.2f}"
                f"{pct(values, 0.9) * 1e3:>9.2f}{min(values) * 1e3:>9.2f}"
            )
    ok = True
    for kind in ("GET 404", "POST suite_ticket"):
        diff = (
            statistics.median(results["wecom-suite serve"][kind]) - statistics.median(results["plain uvicorn"][kind])
        ) * 1e3
        met = diff <= TARGET_MS
        ok &= met
        print(
            f"serve - plain uvicorn, {kind}: {diff:+.2f} ms (target <= {TARGET_MS} ms): {'met' if met else 'NOT met'}"
        )
    return 0 if ok else 1


def _mk(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
