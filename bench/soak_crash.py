"""The long crash run (``make soak``): 300+ installs per store with the service SIGKILLed at random.

    .venv/bin/python bench/soak_crash.py [--installs 300] [--stores sqlite,redis,postgresql]

Needs redis-server and PostgreSQL's binaries (``make system-deps``); starts its own throwaway servers.
What must hold is in tests/app/crash_harness.py; the short version runs in ``make test``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # bench/ and the repo root (the tests package)

from tests.app.crash_harness import run_crash_installs  # noqa: E402
from tests.postgres_server import postgres_server  # noqa: E402

from registry import redis_server  # noqa: E402


@contextlib.contextmanager
def store_url(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'suite.db'}"
    elif kind == "redis":
        with redis_server() as url:
            yield url
    else:
        with postgres_server() as server:
            yield server.url()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--installs", type=int, default=300)
    parser.add_argument("--stores", default="sqlite,redis,postgresql")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    failed = False
    for kind in args.stores.split(","):
        with tempfile.TemporaryDirectory(prefix=f"soak-{kind}-") as tmp, store_url(kind, Path(tmp)) as url:
            report = run_crash_installs(Path(tmp), url, installs=args.installs, seed=args.seed, drain_timeout=600)
        ok = not report.missing and not report.pending_left and not report.other_dead and report.kills > 0
        failed |= not ok
        print(f"{kind:<10} {'OK  ' if ok else 'FAIL'} {report.summary()}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
