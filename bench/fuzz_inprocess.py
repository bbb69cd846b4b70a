"""A million generated requests through ``SuiteApp.handle`` and ``CallbackReceiver.open``, in process.

The inputs are those of tests/fuzz (raw requests, correctly signed garbage, correctly signed and
encrypted hostile plaintext): hypothesis draws a structured request and a seed, and each draw is sent
as is plus ``--variations`` seeded variations of it (an encrypted one stays validly encrypted and
signed), since drawing costs ~4 ms and answering ~0.06 ms. The store is SQLite in a scratch file, so
the process's memory reflects the service and not the recorded callbacks (on /dev/shm where it exists). Findings: an exception out
of ``handle``, any 5xx (install pages' 502 about an unreachable WeCom excepted), a non-CallbackError
out of the receiver. Afterwards a valid callback must still be accepted, and the worker runs over
what was recorded; what still fails after retries is reported (it belongs in dead letters).

    .venv/bin/python bench/fuzz_inprocess.py [--inputs 1000000] [--variations 49]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: the tests package

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.fuzz_check import Tally, exercise, make_target, process_recorded, quiet_logs
from tests.fuzz.fuzz_inputs import START, SUITE, FuzzRequest, derive, requests, valid_suite_ticket

CHUNK = 200  # hypothesis draws per @given run (each run starts with a fresh engine and data tree)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--variations", type=int, default=49)
    args = parser.parse_args()
    quiet_logs()
    # In memory (tmpfs) where there is one: the fuzzing is about answers, not about the disk's fsync.
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private directory in it)
    work = Path(tempfile.mkdtemp(prefix="wecom-fuzz-", dir=shm if shm.is_dir() else None))
    target = make_target(f"sqlite:///{work / 'fuzz.db'}")
    tally = Tally()
    per_draw = 1 + args.variations

    @settings(max_examples=CHUNK, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(request=requests(), seed=st.integers(0, 2**63))
    def chunk(request: FuzzRequest, seed: int) -> None:
        if tally.inputs >= args.inputs:
            return
        rng = random.Random(seed)
        exercise(target, request, tally)
        for _ in range(args.variations):
            exercise(target, derive(request, rng), tally)

    start = time.monotonic()
    cpu = time.process_time()
    memory: list[tuple[int, float]] = []
    while tally.inputs < args.inputs:
        chunk()
        memory.append((tally.inputs, rss_mb()))
        if len(memory) % 2 == 1:
            rate = tally.inputs / (time.monotonic() - start)
            print(
                f"  {tally.inputs:>9} inputs, {rate:,.0f}/s, RSS {memory[-1][1]:.0f} MB, findings {tally.finding_count}",
                flush=True,
            )
    wall, cpu = time.monotonic() - start, time.process_time() - cpu
    final = exercise(target, valid_suite_ticket(START, 1), tally)
    pending_before = target.store.inbox.stats(SUITE).pending
    claimed, pending = process_recorded(target, rounds=4)
    target.close()
    shutil.rmtree(work, ignore_errors=True)  # it may be in memory (/dev/shm)

    print(
        f"\ninputs: {tally.inputs:,} ({tally.inputs // per_draw:,} hypothesis draws x {per_draw}) in {wall:.0f} s wall, {cpu:.0f} s CPU"
    )
    print(f"rate: {tally.inputs / wall:,.0f} inputs/s wall, {tally.inputs / cpu:,.0f} inputs/s CPU")
    warm = memory[min(len(memory) - 1, max(1, len(memory) // 10))]
    print(
        f"RSS: {memory[0][1]:.0f} MB after {memory[0][0]:,} inputs, {warm[1]:.0f} MB after {warm[0]:,}, "
        f"{max(m for _, m in memory):.0f} MB max, {memory[-1][1]:.0f} MB at the end"
    )
    print("answers (kind status: count):")
    for key, count in sorted(tally.statuses.items()):
        print(f"  {key}: {count:,}")
    print(f"valid suite_ticket after the fuzz: {final}")
    print(
        f"recorded callbacks: {pending_before:,} pending before the worker ran; {claimed:,} claims; "
        f"{pending:,} still waiting or retrying after 4 rounds (each ends processed or as a dead letter)"
    )
    print(f"findings: {tally.finding_count}")
    for finding in tally.findings:
        print("-" * 60)
        print(finding[:3000])
    return 1 if tally.finding_count or final != 200 else 0


if __name__ == "__main__":
    raise SystemExit(main())
