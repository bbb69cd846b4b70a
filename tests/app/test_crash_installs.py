"""Crash safety under fire: a real ``wecom-suite serve`` SIGKILLed at random during installs (short version;
``make soak`` runs bench/soak_crash.py with 300+ installs on every store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.crash_harness import run_crash_installs

pytestmark = pytest.mark.timeout(300)


@pytest.mark.parametrize("kind", ["sqlite", "redis", "postgresql", "postgresql+redis"])
def test_every_acknowledged_install_survives_random_sigkills(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cache_url = ""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'suite.db'}"
    elif kind == "redis":
        url = request.getfixturevalue("redis_url")
    else:  # the registry and the inbox in PostgreSQL; with "+redis", tokens and leases in Redis
        url = request.getfixturevalue("postgres_url")
        cache_url = request.getfixturevalue("redis_url") if kind.endswith("+redis") else ""
    report = run_crash_installs(tmp_path, url, installs=30, kill_probability=0.3, seed=7, cache_url=cache_url)
    print(report.summary())
    assert report.kills >= 3, report.summary()
    assert len(report.acknowledged) >= 20, report.summary()
    assert report.missing == [], report.summary()
    assert report.pending_left == 0, report.summary()
    assert report.other_dead == [], report.summary()
    assert report.installed + len(report.lost) == len(report.acknowledged)
    assert len(report.lost) <= report.kills  # only a kill inside an exchange can lose a code
