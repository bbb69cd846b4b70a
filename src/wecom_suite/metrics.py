"""Prometheus metrics: off by default (no cost but a ``None`` check), on in ``wecom-suite serve``.

Every hook below is one call placed where the thing happens (callback receipt, inbox settle, API
answer, token refresh); while metrics are off each returns at once and ``prometheus_client`` is not
even imported. :func:`enable` turns them on for the whole process; :func:`render` is what
``GET /metrics`` serves. Store-backed gauges (inbox depth, oldest pending age, dead letters,
suite_ticket age) are read from the store of every live app (:class:`WatchedApp`: a ``SuiteApp``) at
scrape time, so they are right whichever process (or host) did the work. The module sits above the stores
and below the layers that report to it (tokens, api, app): callers hand it plain labels.

Several worker processes (``serve --workers N``, gunicorn): set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty directory *before* the processes start (``serve`` does this itself, see
:func:`prepare_multiprocess`); counters and histograms are then written to files there and every
scrape adds up all processes. Names and labels: docs/operations-console.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from prometheus_client import CollectorRegistry, Counter, Histogram
    from prometheus_client.core import Metric

    from .clock import Clock
    from .stores.store import Store

__all__ = [
    "METRICS_ENV",
    "MULTIPROC_ENV",
    "WatchedApp",
    "api_answer",
    "callback_answered",
    "disable",
    "enable",
    "enable_from_env",
    "enabled",
    "inbox_settled",
    "prepare_multiprocess",
    "render",
    "started",
    "token_refreshed",
    "unwatch",
    "watch",
]

METRICS_ENV = "WECOM_METRICS"  # "1": worker processes of ``serve --workers N`` turn metrics on
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable (read when it is imported)

# Seconds. Acknowledging a callback should take milliseconds; WeCom gives up after about 5 s (1 s for
# create_auth & co), so the buckets are dense below 1 s.
_ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
_WORK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


@dataclass(frozen=True)
class _Metrics:
    registry: CollectorRegistry | None  # None in multiprocess mode: a fresh one is built per scrape
    multiprocess_dir: str | None
    callbacks: Counter
    ack_seconds: Histogram
    processed: Counter
    processing_seconds: Histogram
    token_refreshes: Counter
    api_calls: Counter
    api_seconds: Histogram


class _Names(Protocol):
    @property
    def suite_id(self) -> str: ...

    @property
    def name(self) -> str: ...


class WatchedApp(Protocol):
    """What the store gauges read from a live app (a ``SuiteApp``): its suite id and name, clock and store."""

    @property
    def config(self) -> _Names: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def store(self) -> Store: ...


_active: _Metrics | None = None
_lock = threading.Lock()
_apps: weakref.WeakSet[WatchedApp] = weakref.WeakSet()


def enabled() -> bool:
    return _active is not None


def enable() -> None:
    """Turn metrics on for this process (idempotent). Multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set."""
    global _active
    with _lock:
        if _active is None:
            _active = _build(os.environ.get(MULTIPROC_ENV) or None)


def disable() -> None:
    """Turn metrics off again (for tests; counts are forgotten)."""
    global _active
    with _lock:
        _active = None


def enable_from_env() -> bool:
    """In a worker process: turn metrics on when the parent ``serve`` said so (``WECOM_METRICS=1``)."""
    if os.environ.get(METRICS_ENV, "").lower() in {"1", "true", "yes", "on"}:
        enable()
        return True
    return False


def prepare_multiprocess(workers: int) -> Callable[[], None]:
    """Before ``serve`` starts worker processes: tell them to turn metrics on and, with several, give them a
    fresh ``PROMETHEUS_MULTIPROC_DIR`` (an empty one of the operator's if set; files from an earlier run
    are removed, as prometheus_client requires). Returns the clean-up to call after the server stops."""
    os.environ[METRICS_ENV] = "1"
    if workers <= 1:
        return lambda: None
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        os.makedirs(given, exist_ok=True)
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.unlink(os.path.join(given, name))
        return lambda: None
    made = tempfile.mkdtemp(prefix="wecom-suite-metrics-")
    os.environ[MULTIPROC_ENV] = made
    return lambda: shutil.rmtree(made, ignore_errors=True)


def watch(app: WatchedApp) -> None:
    """Count ``app``'s inbox and suite_ticket in the store gauges until it is closed (cheap; every app does)."""
    _apps.add(app)


def unwatch(app: WatchedApp) -> None:
    _apps.discard(app)


# -- hooks: one line at each place; nothing happens while metrics are off ------------------------------


def started() -> float:
    """A start time for a later hook's duration (``perf_counter``), or 0.0 while metrics are off."""
    return time.perf_counter() if _active is not None else 0.0


def callback_answered(suite: str, url: str, info_type: str, outcome: str, since: float) -> None:
    """A callback on ``url`` (instruction / data / system) was answered: ``outcome`` is recorded, duplicate,
    rejected, store_error or replied; ``since`` is :func:`started` at its arrival."""
    m = _active
    if m is None:
        return
    m.callbacks.labels(suite, url, info_type or "-", outcome).inc()
    if since:
        m.ack_seconds.labels(suite, url).observe(time.perf_counter() - since)


def inbox_settled(suite: str, source: str, outcome: str, since: float) -> None:
    """One processing attempt of an inbox item ended: done, retry, wait (not ready yet) or dead."""
    m = _active
    if m is None:
        return
    m.processed.labels(suite, source, outcome).inc()
    if since:
        m.processing_seconds.labels(suite, source).observe(time.perf_counter() - since)


def token_refreshed(key: str, outcome: str) -> None:
    """A token was fetched from WeCom (``outcome`` ok) or the fetch failed (the exception's class name).
    ``key`` is the store key; only its kind (``suite_token``, ``corp_token``, ...) becomes a label."""
    m = _active
    if m is None:
        return
    m.token_refreshes.labels(key.split(":", 1)[0], outcome).inc()


def api_answer(endpoint: str, outcome: str, since: float) -> None:
    """One send of an API call was judged: counted by endpoint and outcome (the errcode ``0``, ``40014``, or
    ``http_502``, ``transport``, ``malformed``: ``api.decision.outcome_label``), its latency observed."""
    m = _active
    if m is None:
        return
    m.api_calls.labels(endpoint, outcome).inc()
    if since:
        m.api_seconds.labels(endpoint).observe(time.perf_counter() - since)


def render() -> tuple[bytes, str]:
    """(body, content type) of a scrape, or raises ``RuntimeError`` while metrics are off."""
    m = _active
    if m is None:
        raise RuntimeError("metrics are off")
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.exposition import CONTENT_TYPE_LATEST

    registry = m.registry
    if registry is None:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=m.multiprocess_dir)  # type: ignore[no-untyped-call]
        registry.register(_StoreCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _StoreCollector:
    """Gauges read from each live app's store at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import GaugeMetricFamily

        pending = GaugeMetricFamily("wecom_inbox_pending", "Callbacks recorded and not yet processed", labels=["suite"])
        running = GaugeMetricFamily(
            "wecom_inbox_in_progress", "Pending callbacks a worker holds the lease of now", labels=["suite"]
        )
        dead = GaugeMetricFamily("wecom_inbox_dead_letters", "Dead letters waiting for an operator", labels=["suite"])
        oldest = GaugeMetricFamily(
            "wecom_inbox_oldest_pending_age_seconds", "Age of the oldest pending callback (0: none)", labels=["suite"]
        )
        ticket = GaugeMetricFamily(
            "wecom_suite_ticket_age_seconds", "Age of the newest suite_ticket (absent: none yet)", labels=["suite"]
        )
        up = GaugeMetricFamily("wecom_store_up", "1 when the store answered this scrape", labels=["suite"])
        for app in _live_apps():
            name = app.config.suite_id
            now = app.clock.now()
            try:
                stats = app.store.inbox.stats(app.config.suite_id)
            except Exception:
                up.add_metric([name], 0.0)
                continue
            up.add_metric([name], 1.0)
            pending.add_metric([name], stats.pending)
            running.add_metric([name], stats.in_progress)
            dead.add_metric([name], stats.dead)
            oldest.add_metric([name], max(0.0, now - stats.oldest_pending_at) if stats.oldest_pending_at else 0.0)
            try:
                age: float | None = app.store.tickets.get_ticket(app.config.suite_id, allow_expired=True).age(now)
            except Exception:  # none yet (TicketNotFound), or the store failed between the two reads
                age = None
            if age is not None:
                ticket.add_metric([name], max(0.0, age))
        yield from (pending, running, dead, oldest, ticket, up)


def _live_apps() -> Iterable[WatchedApp]:
    return sorted(list(_apps), key=lambda app: app.config.name)


def _build(multiprocess_dir: str | None) -> _Metrics:
    from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector

    registry: CollectorRegistry | None = None
    if multiprocess_dir is None:
        registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=registry)
        registry.register(_StoreCollector())
    # In multiprocess mode the values live in files; metrics are registered nowhere (a scrape reads the files).
    kw: dict[str, Any] = {"registry": registry}
    return _Metrics(
        registry=registry,
        multiprocess_dir=multiprocess_dir,
        callbacks=Counter(
            "wecom_callbacks", "Callbacks answered, by URL, InfoType and outcome",
            ["suite", "url", "info_type", "outcome"], **kw,
        ),
        ack_seconds=Histogram(
            "wecom_callback_ack_seconds", "Time from a callback's arrival to its answer",
            ["suite", "url"], buckets=_ACK_BUCKETS, **kw,
        ),
        processed=Counter(
            "wecom_inbox_attempts", "Processing attempts of recorded callbacks, by outcome",
            ["suite", "source", "outcome"], **kw,
        ),
        processing_seconds=Histogram(
            "wecom_inbox_processing_seconds", "Time one processing attempt took (lifecycle + handlers)",
            ["suite", "source"], buckets=_WORK_BUCKETS, **kw,
        ),
        token_refreshes=Counter(
            "wecom_token_refreshes", "Tokens fetched from WeCom, by kind and outcome (ok or the error)",
            ["kind", "outcome"], **kw,
        ),
        api_calls=Counter(
            "wecom_api_calls", "Answers of WeCom API sends, by endpoint and errcode",
            ["endpoint", "errcode"], **kw,
        ),
        api_seconds=Histogram(
            "wecom_api_call_seconds", "Latency of one WeCom API send", ["endpoint"], buckets=_WORK_BUCKETS, **kw,
        ),
    )
