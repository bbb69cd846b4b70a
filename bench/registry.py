"""A registry of 10,000 installed companies, with a cached token each, on memory / SQLite / Redis / PostgreSQL.

Each backend runs in a fresh child process, which records 10,000 companies (realistic ``auth_info``
of ~1 KB) and 10,000 corp tokens, then builds and warms one ``TokenManager`` per company (what a
``SuiteClient`` holds when every company is active). Reported: the child's RSS (target <= 50 MB with
everything loaded), and the median time to look up one company's token: from the manager's in-process
copy (``token()``), and cold from the store (``get_company`` + ``get_token``), beside a dict lookup
floor measured in the same child.

    .venv/bin/python bench/registry.py
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

COMPANIES = 10_000
SUITE = "ww4asffe99e54c0f4c"
TARGET_MB = 50.0

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: the tests package
from tests.postgres_server import postgres_server  # noqa: E402  (the tests' throwaway cluster: one way to start one)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway ``redis-server`` on a free loopback port; yields its URL."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed (make test installs Debian's redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="wecom-suite-bench-redis-")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)  # waiting for the server process to come up
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def auth_info(corp_id: str, n: int) -> dict[str, Any]:
    """The shape of get_permanent_code's answer (minus the secrets), ~1 KB as JSON."""
    return {
        "auth_corp_info": {
            "corpid": corp_id,
            "corp_name": f"测试企业{n}",
            "corp_type": "verified",
            "corp_square_logo_url": f"https://p.qlogo.cn/bizmail/{corp_id}/0",
            "corp_user_max": 200,
            "corp_full_name": f"测试企业{n}有限公司",
            "subject_type": 1,
            "verified_end_time": 1_900_000_000,
            "corp_wxqrcode": f"https://open.work.weixin.qq.com/wwopen/qrcode?c={corp_id}",
            "corp_scale": "1-50人",
            "corp_industry": "IT服务",
            "corp_sub_industry": "计算机软件/硬件/信息服务",
        },
        "auth_info": {
            "agent": [
                {
                    "agentid": 1000000 + n % 7,
                    "name": "审批助手",
                    "round_logo_url": "https://p.qlogo.cn/bizmail/round/0",
                    "square_logo_url": "https://p.qlogo.cn/bizmail/square/0",
                    "appid": 1,
                    "auth_mode": 1,
                    "is_customized_app": False,
                    "privilege": {
                        "level": 1,
                        "allow_party": [1, 2, 3],
                        "allow_user": ["zhangsan", "lisi"],
                        "allow_tag": [1, 2],
                        "extra_party": [4, 5],
                        "extra_user": ["wangwu"],
                        "extra_tag": [3, 4],
                    },
                }
            ]
        },
        "auth_user_info": {"userid": "zhangsan", "open_userid": "woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA", "name": "张三"},
        "dealer_corp_info": {"corpid": "wxdealer", "corp_name": "服务商代理"},
    }


def median_ns(fn: Callable[[], object], items: int, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        fn()
        runs.append((time.perf_counter_ns() - started) / items)
    return statistics.median(runs)


def child(kind: str, url: str) -> dict[str, Any]:
    from wecom_suite.stores import CompanyRecord, StoredToken, open_store
    from wecom_suite.tokens import TokenGrant, TokenManager, corp_token_key

    baseline = rss_mb()
    store = open_store(url)
    now = time.time()
    corp_ids = [f"wx{n:016x}" for n in range(COMPANIES)]
    started = time.perf_counter()
    for n, corp_id in enumerate(corp_ids):
        store.companies.save_company(
            CompanyRecord(
                SUITE,
                corp_id,
                f"permanent-code-{n:040d}",
                f"测试企业{n}",
                auth_info(corp_id, n),
                installed_at=now,
                updated_at=now,
            )
        )
        store.tokens.set_token(corp_token_key(SUITE, corp_id), StoredToken(f"corp-token-{n:0100d}", now + 7200, now))
    fill_seconds = time.perf_counter() - started

    fetches = 0

    def fetch() -> TokenGrant:  # must not be needed: every token is in the store
        nonlocal fetches
        fetches += 1
        return TokenGrant("unexpected", 7200)

    managers = {c: TokenManager(store, corp_token_key(SUITE, c), fetch) for c in corp_ids}
    for manager in managers.values():
        manager.token()
    assert store.companies.count_companies(SUITE) == COMPANIES
    loaded = rss_mb()

    rng = random.Random(7)
    sample = rng.sample(corp_ids, 2000)
    plain = {c: f"corp-token-{n:0100d}" for n, c in enumerate(corp_ids)}

    def floor() -> None:
        for c in sample:
            plain[c]

    def cached() -> None:
        for c in sample:
            managers[c].token()

    def cold() -> None:
        for c in sample[:200]:
            company = store.companies.get_company(SUITE, c)
            assert company is not None
            assert company.active
            store.tokens.get_token(corp_token_key(SUITE, c))

    floors, cacheds, ratios = [], [], []
    for _ in range(15):  # interleaved, so load from other processes hits floor and subject alike
        f, c = median_ns(floor, len(sample), repeat=1), median_ns(cached, len(sample), repeat=1)
        floors.append(f)
        cacheds.append(c)
        ratios.append(c / f)
    result = {
        "kind": kind,
        "baseline_mb": baseline,
        "loaded_mb": loaded,
        "fill_s": fill_seconds,
        "floor_ns": statistics.median(floors),
        "cached_ns": statistics.median(cacheds),
        "ratio": statistics.median(ratios),
        "cold_ns": median_ns(cold, 200, repeat=3),
        "fetches": fetches,
    }
    store.close()
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp, redis_server() as redis_url, postgres_server() as pg:
        backends = (
            ("memory", "memory://"),
            ("sqlite", f"sqlite:///{tmp}/registry.db"),
            ("redis", redis_url),
            ("postgres", pg.url()),
        )
        for kind, url in backends:
            out = subprocess.run([sys.executable, __file__, "--child", kind, url], capture_output=True, text=True,
                                 check=True)
            results.append(json.loads(out.stdout))
    print(f"{COMPANIES:,} companies + {COMPANIES:,} corp tokens + {COMPANIES:,} warm TokenManagers per process\n")
    print(
        f"{'store':8} {'RSS':>8} {'(+data)':>9} {'fill':>7} {'floor':>9} {'token() cached':>15} {'x floor':>8} "
        f"{'cold: get_company+get_token':>28}"
    )
    for r in results:
        assert r["fetches"] == 0, "a token was fetched although the store held it"
        print(
            f"{r['kind']:8} {r['loaded_mb']:6.1f}MB {r['loaded_mb'] - r['baseline_mb']:+7.1f}MB {r['fill_s']:6.1f}s "
            f"{r['floor_ns']:7.0f}ns {r['cached_ns']:13.0f}ns {r['ratio']:8.1f} "
            f"{r['cold_ns'] / 1000:25.1f}us"
        )
    worst = max(r["loaded_mb"] for r in results)
    print(
        f"\nlargest RSS: {worst:.1f} MB (target <= {TARGET_MB:.0f} MB): {'OK' if worst <= TARGET_MB else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
