"""The long crash run (``make soak``): 300+ installs per store with the service SIGKILLed at random.

    .venv/bin/python bench/soak_crash.py [--installs 300] [--stores sqlite,redis,postgresql]

Needs redis-server and PostgreSQL's binaries (``make system-deps``); starts its own throwaway servers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "app"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import run_crash_installs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--installs", type=int, default=300)
    parser.add_argument("--stores", default="sqlite,redis,postgresql")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    failed = False
    for kind in args.stores.split(","):
        with tempfile.TemporaryDirectory(prefix=f"soak-{kind}-") as tmp:
            with _server(kind, Path(tmp)) as url:
                report = run_crash_installs(Path(tmp), url, installs=args.installs, seed=args.seed,
                                            drain_timeout=600)
            ok = not report.missing and not report.pending_left and not report.other_dead
            failed |= not ok
            print(f"{kind:<10} {'OK  ' if ok else 'FAIL'} {report.summary()}", flush=True)
    return 1 if failed else 0


def _server(kind: str, tmp: Path):  # type: ignore[no-untyped-def]
    from contextlib import contextmanager

    @contextmanager
    def serve():  # type: ignore[no-untyped-def]
        if kind == "sqlite":
            yield f"sqlite:///{tmp / 'suite.db'}"
        elif kind == "redis":
            from servers import RedisServer

            server = RedisServer.start(tmp)
            try:
                yield server.url(0)
            finally:
                server.stop()
        else:
            from servers import PostgresServer

            server = PostgresServer.start(tmp)
            try:
                yield server.url()
            finally:
                server.stop()

    return serve()


if __name__ == "__main__":
    raise SystemExit(main())
