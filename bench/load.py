"""Load: ``wecom-suite serve`` under a burst of unique encrypted instruction callbacks, against a bare
ASGI app answering ``success`` on the same uvicorn settings, in the same run.

The mix is 30 % suite_ticket (~600 B) and 70 % change_contact/update_user with 11 ExtAttr items
(~4 KB), every request unique (its own nonce and content, so the inbox's duplicate check drops
none), pre-built and validly signed and encrypted. ``wrk`` (Debian's package) sends them with one
thread and 32 connections from one core while the server runs on the other (``taskset``). After the
serve run the benchmark waits until the inbox is drained (every recorded callback processed), then
checks that every callback that could have been answered 200 is in the inbox.

Scenarios: ``sqlite1`` (1 worker, SQLite), ``redis2`` (2 workers, a real redis-server with AOF on).
Targets: with sqlite1 >= 0.5x the bare ceiling, p99 < 250 ms, 0 errors, 0 lost.

    .venv/bin/python bench/load.py [--duration 60] [--scenarios sqlite1,redis2,postgres2] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import _harness as h
from wecom_suite.stores.records import CompanyRecord
from wecom_suite.stores.store import Store
from wecom_suite.stores.url import open_store

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 0.5
TARGET_P99_MS = 250.0


@dataclass
class WrkResult:
    calls: int  # request() calls, including wrk's one check of the script (never sent)
    ok: int  # 200 answers
    other: int  # answers with another status
    codes: str
    requests: int  # completed responses
    duration_us: int
    connect: int
    read: int
    write: int
    status: int
    timeout: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int
    lines: int

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6)

    @property
    def errors(self) -> int:
        """Every request that did not get a 200: socket errors, timeouts and other statuses."""
        return self.connect + self.read + self.write + self.timeout + self.other


def run_wrk(
    port: int, requests_file: Path, duration: float, connections: int, cpus: str | None, log: Path
) -> WrkResult:
    cmd = [*h.cpu_prefix(cpus), "wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--timeout", "2s"]
    cmd += ["-s", str(HERE / "load.lua"), f"http://127.0.0.1:{port}", "--", str(requests_file)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120, check=False)
    log.write_text(done.stdout + done.stderr)
    match = re.search(r"^RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return WrkResult(**json.loads(match.group(1)))


def write_requests(path: Path, count: int, first: int = 0) -> list[str]:
    """``count`` unique callbacks (numbered from ``first``), one ``TARGET\\tBODY`` line each; returns
    their inbox ids in order."""
    now = int(time.time())
    digests = []
    with path.open("wb") as out:
        for i in range(first, first + count):
            callback = h.mixed_callback(i, now)
            assert b"\n" not in callback.body
            assert b"\t" not in callback.body
            out.write(callback.target.encode() + b"\t" + callback.body + b"\n")
            digests.append(callback.digest)
    return digests


# -- the "0 lost" check: kept in one place, so that it follows the inbox API ---------------------------------


def wait_drained(store: Store, suite_id: str, timeout: float) -> tuple[int, float]:
    """Wait (bounded) until no recorded callback is left unprocessed; returns (pending, seconds waited)."""
    start = time.monotonic()
    pending = store.inbox.stats(suite_id).pending
    while pending and time.monotonic() - start < timeout:
        time.sleep(0.5)
        pending = store.inbox.stats(suite_id).pending
    return pending, time.monotonic() - start


def missing_from_inbox(store: Store, suite_id: str, digests: Sequence[str]) -> list[str]:
    """The ids in ``digests`` that are not in the inbox (in any state: processed, pending or a dead letter)."""
    missing = []
    for digest in digests:
        item = store.inbox.get_item(digest)
        if item is None or item.suite_id != suite_id:
            missing.append(digest)
    return missing


# -- scenarios ------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    scenario: str
    workers: int
    store: str
    bare: list[WrkResult]  # one per round
    serve: list[WrkResult]  # one per round, each right after the bare run of the same round
    unique_requests: int
    pending_after_drain: int
    drain_seconds: float
    acknowledged_not_recorded: int  # lower bound of the lost: 200 answers minus recorded among those sent
    sent_not_recorded: int

    @property
    def ratios(self) -> list[float]:
        return [s.rps / b.rps for b, s in zip(self.bare, self.serve, strict=True)]

    @property
    def ratio(self) -> float:
        """The median over rounds of serve / bare: each pair ran back to back, under the same neighbours."""
        return statistics.median(self.ratios)

    @property
    def serve_rps(self) -> float:
        return sum(r.requests for r in self.serve) / (sum(r.duration_us for r in self.serve) / 1e6)

    @property
    def bare_rps(self) -> float:
        return sum(r.requests for r in self.bare) / (sum(r.duration_us for r in self.bare) / 1e6)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_us for r in self.serve) / 1e3

    @property
    def p99_ms(self) -> float:
        """The worst round's p99 (wrk gives percentiles per run, not mergeable ones)."""
        return max(r.p99_us for r in self.serve) / 1e3

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.serve)

    def row(self) -> dict[str, object]:
        codes = ";".join(r.codes for r in self.serve if r.codes)
        return {
            "scenario": self.scenario,
            "bare rps": round(self.bare_rps),
            "serve rps": round(self.serve_rps),
            "ratio (median of rounds)": f"{self.ratio:.2f} ({', '.join(f'{x:.2f}' for x in self.ratios)})",
            "p50 ms": round(self.p50_ms, 1),
            "p99 ms (worst round)": round(self.p99_ms, 1),
            "bare p99 ms": round(max(r.p99_us for r in self.bare) / 1e3, 1),
            "errors": self.errors,
            "statuses": codes or "-",
            "lost": self.acknowledged_not_recorded,
            "unprocessed": self.pending_after_drain,
        }


@contextlib.contextmanager
def store_for(scenario: str, work: Path, cpus: str | None) -> Iterator[str]:
    if scenario.startswith("sqlite"):
        yield f"sqlite:///{work / 'store.db'}"
    elif scenario.startswith("redis"):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (make system-deps)")
        with h.redis_server(work, cpus=cpus) as (port, _server):
            yield f"redis://127.0.0.1:{port}/0"
    elif scenario.startswith("postgres"):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: the tests package
        from tests.postgres_server import postgres_server  # the tests' throwaway cluster: one way to start one

        with postgres_server() as server:
            yield server.url()
    else:
        raise ValueError(f"unknown scenario {scenario!r}")


@contextlib.contextmanager
def installed(store_url: str) -> Iterator[None]:
    """The company the change_contact burst is about is installed (else its callbacks wait for it)."""
    store = open_store(store_url)
    try:
        store.companies.save_company(CompanyRecord(h.SUITE, h.CORP, "permanent-code-of-the-load-company"))
    finally:
        store.close()
    yield


def run_scenario(scenario: str, args: argparse.Namespace) -> Outcome:
    """``args.rounds`` rounds of (bare for duration/rounds, then serve for duration/rounds)."""
    workers = int(scenario[-1])
    work = h.scratch_dir(f"load-{scenario}")
    span = args.duration / args.rounds
    per_round = int(span * args.max_rps)
    print(
        f"--- {scenario}: {workers} worker(s); {args.rounds} rounds of {span:g} s; writing "
        f"{per_round * args.rounds} unique callbacks to {work}",
        flush=True,
    )
    files = [work / f"requests-{r}.tsv" for r in range(args.rounds)]
    digests = [write_requests(f, per_round, first=r * per_round) for r, f in enumerate(files)]
    bare: list[WrkResult] = []
    serve: list[WrkResult] = []
    with (
        store_for(scenario, work, args.server_cpus) as store_url,
        installed(store_url),
        h.bare(work / "bare.log", workers=workers, cpus=args.server_cpus) as ceiling,
        h.serve(h.write_config(work, store_url), work / "serve.log", workers=workers, cpus=args.server_cpus) as server,
    ):
        for r, path in enumerate(files):
            bare.append(
                run_wrk(ceiling.port, path, span, args.connections, args.client_cpus, work / f"wrk-bare-{r}.txt")
            )
            serve.append(
                run_wrk(server.port, path, span, args.connections, args.client_cpus, work / f"wrk-serve-{r}.txt")
            )
            print(
                f"    round {r + 1}: bare {bare[-1].rps:.0f} req/s, serve {serve[-1].rps:.0f} req/s "
                f"(p99 {serve[-1].p99_us / 1e3:.0f} ms, errors {serve[-1].errors})",
                flush=True,
            )
        store = open_store(store_url)
        try:
            pending, waited = wait_drained(store, h.SUITE, args.drain_timeout)
        finally:
            store.close()
        wrapped = any(result.calls > len(d) for result, d in zip(serve, digests, strict=True))
        sent = [x for result, d in zip(serve, digests, strict=True) for x in d[: min(result.calls, len(d))]]
        store = open_store(store_url)
        try:
            missing = missing_from_inbox(store, h.SUITE, sent)
        finally:
            store.close()
    ok = sum(result.ok for result in serve)
    outcome = Outcome(
        scenario=scenario,
        workers=workers,
        store=store_url.split(":", 1)[0],
        bare=bare,
        serve=serve,
        unique_requests=len(sent),
        pending_after_drain=pending,
        drain_seconds=round(waited, 1),
        acknowledged_not_recorded=-1 if wrapped else max(0, ok - (len(sent) - len(missing))),
        sent_not_recorded=len(missing),
    )
    if wrapped:
        print("    WARNING: a requests file ran out (requests repeated): raise --max-rps", flush=True)
    if not args.keep:
        for path in files:
            path.unlink()
    return outcome


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            "",
        )
    load = os.getloadavg()
    return f"{os.cpu_count()} cores ({cpu}); load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per server (default 60)")
    parser.add_argument("--rounds", type=int, default=6, help="bare and serve take turns this many times")
    parser.add_argument("--scenarios", default="sqlite1,redis2")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--max-rps", type=float, default=3000.0, help="callbacks pre-built per second of run")
    parser.add_argument("--client-cpus", default="0")
    parser.add_argument("--server-cpus", default="1")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the requests file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (Debian package)", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    outcomes = [run_scenario(s.strip(), args) for s in args.scenarios.split(",") if s.strip()]
    rows = [o.row() for o in outcomes]
    print()
    print(" | ".join(rows[0]))
    for row in rows:
        print(" | ".join(str(v) for v in row.values()))
    for o in outcomes:
        if o.scenario.startswith("sqlite"):
            checks = {
                f"ratio {o.ratio:.2f} >= {TARGET_RATIO}": o.ratio >= TARGET_RATIO,
                f"p99 {o.p99_ms:.0f} ms < {TARGET_P99_MS:.0f} ms": o.p99_ms < TARGET_P99_MS,
                f"errors {o.errors} == 0": o.errors == 0,
                f"lost {o.acknowledged_not_recorded} == 0": o.acknowledged_not_recorded == 0,
                f"unprocessed {o.pending_after_drain} == 0": o.pending_after_drain == 0,
            }
            for label, met in checks.items():
                print(f"{o.scenario}: {label}: {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine(),
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "outcomes": [{**asdict(o), "summary": o.row()} for o in outcomes],
                },
                indent=2,
            )
        )
    return 0  # a benchmark reports; it does not fail the build


if __name__ == "__main__":
    raise SystemExit(main())
