"""The durable write path and the inbox claim, per backend.

1. ``inbox.put`` from 64 threads into one SQLite file (and one Redis, for scale): puts per second and
   per-put latency. Every put returns only once durable as the backend defines it (SQLite: committed
   with ``synchronous = FULL``, Redis: acknowledged by the server).
2. ``inbox.claim`` with 10,000 pending items over 1,000 queues (10 per queue), one thread: the first
   claim, a claim when 64 heads are already leased, claim + complete draining 2,000 items, and a claim
   that finds nothing because every queue's head is leased. A SQLite claim is a write: its time
   includes the commit's fsync (a claim that finds nothing is answered from a read). Redis's first
   claim moves all 1,000 new queue heads from its timer set to its ready set (once).

    .venv/bin/python bench/store_write.py
    .venv/bin/python bench/store_write.py --only put --threads 64

Before/after: to measure 0.1's SQLiteStore (a connection per thread, every writer its own
``BEGIN IMMEDIATE``, waiting in SQLite's busy handler; ``synchronous = NORMAL``), check it out and point
``--src`` at it; only the put benchmark runs there (0.1 had no queues)::

    mkdir -p /tmp/wecom-suite-0.1 && git archive 5a8e112 src | tar -x -C /tmp/wecom-suite-0.1
    .venv/bin/python bench/store_write.py --src /tmp/wecom-suite-0.1/src --only put
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAYLOAD = b"<xml><ToUserName><![CDATA[ww]]></ToUserName><Encrypt><![CDATA[" + b"x" * 400 + b"]]></Encrypt></xml>"


def put_benchmark(
    store: Any, make_item: Callable[[str, float], Any], threads: int, per_thread: int
) -> tuple[float, float, float]:
    """(puts/s, median ms, p99 ms) for ``threads`` threads each putting ``per_thread`` new items."""
    put = store.inbox.put if hasattr(store, "inbox") else store.put
    start = threading.Barrier(threads + 1)
    latencies: list[float] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        mine: list[float] = []
        start.wait(30)
        for k in range(per_thread):
            t0 = time.perf_counter()
            assert put(make_item(f"t{n}-{k}", 1_700_000_000.0 + k))
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    start.wait(30)
    t0 = time.perf_counter()
    for w in workers:
        w.join(600)
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return (
        len(latencies) / elapsed,
        statistics.median(latencies) * 1000,
        latencies[int(len(latencies) * 0.99) - 1] * 1000,
    )


def claim_benchmark(store: Any, *, queues: int = 1000, per_queue: int = 10) -> dict[str, float]:
    """Microseconds per claim in a suite with ``queues * per_queue`` pending items."""
    from wecom_suite.stores import InboxItem

    t = 1_700_000_000.0
    for k in range(per_queue):
        for q in range(queues):
            store.inbox.put(
                InboxItem(f"q{q}-{k}", "suite", PAYLOAD, t + k * queues + q, queue=f"corp-{q}", event_time=int(t) + k)
            )
    now = t + 10 * queues * per_queue
    out: dict[str, float] = {}

    def timed(n: int, fn: Callable[[], object]) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n * 1e6

    held: list[Any] = []
    out["first claim (all heads free)"] = timed(
        1, lambda: held.append(store.inbox.claim("suite", now=now, lease_seconds=60))
    )
    for _ in range(63):
        held.append(store.inbox.claim("suite", now=now, lease_seconds=60))
    assert all(c is not None for c in held)
    out["claim with 64 heads leased"] = timed(
        50, lambda: held.append(store.inbox.claim("suite", now=now, lease_seconds=60))
    )
    for claim in held:
        store.inbox.complete(claim.item.id, now=now)

    def drain() -> None:
        claim = store.inbox.claim("suite", now=now, lease_seconds=60)
        assert claim is not None
        store.inbox.complete(claim.item.id, now=now)

    out["claim + complete (drain 2,000)"] = timed(2000, drain)
    for _ in range(queues):  # lease every head that is left: then nothing is claimable
        if store.inbox.claim("suite", now=now, lease_seconds=60) is None:
            break
    out["claim, every queue's head leased"] = timed(50, lambda: store.inbox.claim("suite", now=now, lease_seconds=60))
    assert store.inbox.claim("suite", now=now, lease_seconds=60) is None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="import wecom_suite from this source folder (e.g. an 0.1 checkout)")
    parser.add_argument("--only", choices=["put", "claim"], help="run one benchmark")
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--per-thread", type=int, default=100)
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    if args.src:
        sys.path.insert(0, args.src)
    import wecom_suite
    from wecom_suite.stores import InboxItem, SQLiteStore

    print(f"wecom_suite from {Path(wecom_suite.__file__).parent}")
    new_api = "queue" in InboxItem.__dataclass_fields__

    def make_item(item_id: str, at: float) -> Any:
        if new_api:
            return InboxItem(item_id, "suite", PAYLOAD, at, queue=f"corp-{hash(item_id) % 50}")
        return InboxItem(item_id, "suite", PAYLOAD, at)

    if args.only in (None, "put"):
        print(f"\ninbox.put, {args.threads} threads x {args.per_thread} puts, one store per process")
        print(f"{'backend':<34} {'puts/s':>9} {'median ms':>10} {'p99 ms':>9}")
        with tempfile.TemporaryDirectory(dir=".") as tmp:  # the working directory's disk, not a tmpfs
            store = SQLiteStore(Path(tmp) / "bench.db")
            try:
                rate, p50, p99 = put_benchmark(store, make_item, args.threads, args.per_thread)
                if new_api:
                    label = "SQLite (group commit, FULL)"
                else:  # 0.1 set NORMAL; a patched copy may say otherwise
                    level = store._conn().execute("PRAGMA synchronous").fetchone()[0]
                    label = f"SQLite 0.1 (busy handler, {['OFF', 'NORMAL', 'FULL', 'EXTRA'][level]})"
            finally:
                store.close()
            print(f"{label:<34} {rate:>9,.0f} {p50:>10.2f} {p99:>9.2f}")
        if new_api and not args.no_redis:
            from registry import redis_server  # the sibling script (python puts bench/ on sys.path)
            from wecom_suite.stores import RedisStore

            with redis_server() as url:
                redis_store = RedisStore(url)
                try:
                    rate, p50, p99 = put_benchmark(redis_store, make_item, args.threads, args.per_thread)
                finally:
                    redis_store.close()
                print(f"{'Redis (loopback, no persistence)':<34} {rate:>9,.0f} {p50:>10.2f} {p99:>9.2f}")

    if args.only in (None, "claim") and new_api:
        print("\ninbox.claim, 10,000 pending items over 1,000 queues (microseconds per call)")
        results: dict[str, dict[str, float]] = {}
        with tempfile.TemporaryDirectory(dir=".") as tmp:
            store = SQLiteStore(Path(tmp) / "claim.db")
            try:
                results["SQLite"] = claim_benchmark(store)
            finally:
                store.close()
        if not args.no_redis:
            from registry import redis_server
            from wecom_suite.stores import RedisStore

            with redis_server() as url:
                redis_store = RedisStore(url)
                try:
                    results["Redis"] = claim_benchmark(redis_store)
                finally:
                    redis_store.close()
        names = list(next(iter(results.values())))
        print(f"{'':<32}" + "".join(f"{b:>10}" for b in results))
        for name in names:
            print(f"{name:<32}" + "".join(f"{results[b][name]:>10,.0f}" for b in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
