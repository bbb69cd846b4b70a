"""Run the benchmarks in this folder one after another: ``make bench`` (or ``make soak``).

``make bench``: every ``*.py`` here except the long soak runs (the micro-benchmarks, serve_latency,
load). ``make soak``: the soak runs (``fuzz_inprocess``, ``fuzz_http``, ``faults``, ``soak_crash``). Files starting
with ``_`` are helpers. The exit status is non-zero when a script reported a failure.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
SOAK = ["fuzz_inprocess.py", "fuzz_http.py", "faults.py", "soak_crash.py"]


def main(argv: list[str]) -> int:
    if argv[1:] == ["--soak"]:
        scripts = [HERE / name for name in SOAK]
    else:
        scripts = [
            s for s in sorted(HERE.glob("*.py")) if s.name not in {"run_all.py", *SOAK} and not s.name.startswith("_")
        ]
    status = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script)])
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
