"""50,000 generated requests over HTTP against a running ``wecom-suite serve`` (1 worker, SQLite).

The inputs of tests/fuzz (raw, signed garbage, signed and encrypted hostile plaintext, and seeded
variations), signed with the current time, sent one at a time over a keep-alive connection with
``http.client``. Findings: any 5xx (install pages' 502 about an unreachable WeCom excepted), a
connection the server drops without an answer, the server process dying. The server's memory
(VmRSS) is sampled as it goes; afterwards a valid callback must still be accepted, and the inbox must
drain (what keeps failing is reported: it belongs in dead letters).

    .venv/bin/python bench/fuzz_http.py [--inputs 50000] [--variations 9]
"""

from __future__ import annotations

import argparse
import http.client
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: the tests package

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.fuzz_check import upstream_answer
from tests.fuzz.fuzz_inputs import SUITE, FuzzRequest, config_settings, derive, requests, valid_suite_ticket

import _harness as h
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores.url import open_store

CHUNK = 500
H11_HEAD_LIMIT = 16 * 1024  # bytes: uvicorn's h11 limit for a request line plus headers


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sender:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.statuses: Counter[str] = Counter()
        self.findings: list[str] = []
        self.finding_count = 0
        self.not_sent = 0  # requests http.client refuses to send (e.g. a header value it rejects)
        self.closed_after_answer = 0
        self.refused_oversized = 0  # requests whose head was too long for uvicorn: connection closed
        self.sent = 0

    def send(self, request: FuzzRequest) -> int:
        target = request.path + ("?" + request.query_string if request.query else "")
        try:
            # a generated Host replaces http.client's own (two Host headers is a malformed request)
            skip_host = any(name.lower() == "host" for name in request.headers)
            self.conn.putrequest(request.method, target, skip_host=skip_host, skip_accept_encoding=True)
            for name, value in request.headers.items():
                self.conn.putheader(name, value)
            if request.body or request.method in ("POST", "PUT", "PATCH"):
                self.conn.putheader("Content-Length", str(len(request.body)))
            self.conn.endheaders(request.body or None)
        except (ValueError, http.client.HTTPException, UnicodeError):
            self.not_sent += 1
            self.reconnect()
            return 0
        except OSError as exc:  # the server hung up while we were still sending
            self.sent += 1
            if len(target) + sum(len(k) + len(v) for k, v in request.headers.items()) > H11_HEAD_LIMIT:
                self.refused_oversized += 1  # uvicorn (h11) refuses a request head over 16 KiB: expected
            else:
                self.note(f"reset while sending ({type(exc).__name__}) {request!r}")
            self.reconnect()
            return 0
        self.sent += 1
        try:
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            if len(target) > H11_HEAD_LIMIT:
                self.refused_oversized += 1
                self.reconnect()
                return 0
            self.note(f"no answer ({type(exc).__name__}: {exc}) to {request!r}")
            self.reconnect()
            return 0
        self.statuses[f"{request.kind} {response.status}"] += 1
        if response.status >= 500 and not upstream_answer(request, response.status):
            self.note(f"{response.status} for {request!r}")
        if response.will_close:
            self.closed_after_answer += 1
            self.reconnect()
        return response.status

    def note(self, what: str) -> None:
        self.finding_count += 1
        if len(self.findings) < 20:
            self.findings.append(what[:2000])

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=50_000)
    parser.add_argument("--variations", type=int, default=9)
    parser.add_argument("--server-cpus", default="1")
    args = parser.parse_args()
    work = h.scratch_dir("fuzz-http")
    wecom = Sandbox(ticket_interval=None).start()  # answers /install's API calls at once (unknown suite)
    settings_map = config_settings(f"sqlite:///{work / 'store.db'}", api_base_url=wecom.base_url)
    config = work / "suite.toml"
    config.write_text("".join(f'{k} = "{v}"\n' for k, v in settings_map.items()), encoding="utf-8")
    memory: list[tuple[int, float]] = []
    with h.serve(config, work / "serve.log", cpus=args.server_cpus) as server:
        sender = Sender(server.port)
        start = time.monotonic()
        while sender.sent + sender.not_sent < args.inputs:
            now = int(time.time())

            @settings(max_examples=CHUNK, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(request=requests(now), seed=st.integers(0, 2**63))
            def chunk(request: FuzzRequest, seed: int) -> None:
                if sender.sent + sender.not_sent >= args.inputs:
                    return
                rng = random.Random(seed)
                sender.send(request)
                for _ in range(args.variations):
                    sender.send(derive(request, rng, now))  # noqa: B023 (called before the next round)

            chunk()
            if server.proc.poll() is not None:
                sender.note(f"the server exited with {server.proc.returncode}")
                break
            memory.append((sender.sent, rss_mb(server.proc.pid)))
            rate = sender.sent / (time.monotonic() - start)
            print(
                f"  {sender.sent:>7} sent, {rate:,.0f}/s, server RSS {memory[-1][1]:.0f} MB, findings {sender.finding_count}",
                flush=True,
            )
        wall = time.monotonic() - start
        final = sender.send(valid_suite_ticket(int(time.time()), 2))
        store = open_store(settings_map["store_url"])
        try:
            deadline = time.monotonic() + 60
            while store.inbox.stats(SUITE).pending and time.monotonic() < deadline:
                time.sleep(0.5)
            pending = store.inbox.stats(SUITE).pending
        finally:
            store.close()
    print(
        f"\nsent: {sender.sent:,} over HTTP in {wall:.0f} s ({sender.sent / wall:,.0f}/s); {sender.not_sent} not sendable by http.client"
    )
    print(
        f"server RSS: {memory[0][1]:.0f} MB after {memory[0][0]:,}, {max(m for _, m in memory):.0f} MB max, {memory[-1][1]:.0f} MB at the end"
    )
    print("answers (kind status: count):")
    for key, count in sorted(sender.statuses.items()):
        print(f"  {key}: {count:,}")
    print(f"connections the server closed after answering: {sender.closed_after_answer:,}")
    print(f"requests with a head over 16 KiB that uvicorn refused by closing: {sender.refused_oversized:,}")
    print(f"valid suite_ticket after the fuzz: {final}")
    print(f"recorded callbacks still pending 60 s after the fuzz (waiting for a company or retrying with backoff; "
          f"each ends processed or as a dead letter, docs/delivery.md): {pending}")
    print(f"findings: {sender.finding_count}")
    for finding in sender.findings:
        print("-" * 60)
        print(finding)
    return 1 if sender.finding_count or final != 200 else 0


if __name__ == "__main__":
    raise SystemExit(main())
