"""Driving a :class:`SuiteApp` in process with generated requests, and what counts as a finding.

A finding is an exception out of ``SuiteApp.handle`` (the web layers would turn it into a 500), any
5xx answer (the one allowed 5xx, 503 while the store cannot record, does not happen here: the store
is up), or an exception other than :class:`CallbackError` out of ``CallbackReceiver.open``.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from dataclasses import dataclass, field

from tests.fuzz.fuzz_inputs import KEY, PREFIX, START, SUITE, TOKEN, FuzzRequest, config_settings
from wecom_suite.app.suite_app import SuiteApp
from wecom_suite.callback import CallbackReceiver
from wecom_suite.clock import ManualClock
from wecom_suite.errors import CallbackError
from wecom_suite.sandbox import Sandbox
from wecom_suite.stores.store import Store
from wecom_suite.stores.url import open_store
from wecom_suite.web import WebRequest

MAX_KEPT = 20  # findings kept in full; the rest are only counted


@dataclass
class Tally:
    inputs: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # "kind status" -> count
    findings: list[str] = field(default_factory=list)
    finding_count: int = 0

    def note(self, what: str) -> None:
        self.finding_count += 1
        if len(self.findings) < MAX_KEPT:
            self.findings.append(what)


@dataclass
class Target:
    """A SuiteApp (worker off, ManualClock at START, WeCom played by the sandbox) and a bare receiver.

    The sandbox answers the API calls some inputs cause (``/install`` asks for a suite token, the worker
    redeems auth codes) at once and with WeCom's errors: this suite is unknown to it. Without it those
    calls would go to an address where nothing listens, and the client's retries would sleep.
    """

    clock: ManualClock
    store: Store
    app: SuiteApp
    receiver: CallbackReceiver
    sandbox: Sandbox | None = None

    def close(self) -> None:
        self.app.close()
        self.store.close()
        if self.sandbox is not None:
            self.sandbox.stop()


INSTALL_PATHS = ("/install", "/install/callback")


def upstream_answer(request: FuzzRequest, status: int) -> bool:
    """The install pages answer 502 when WeCom refuses (here the sandbox does not know this suite, or no
    suite_ticket came): a gateway's answer about WeCom, not a failure of the service."""
    return status == 502 and request.path.rstrip("/").endswith(INSTALL_PATHS)


def quiet_logs() -> None:
    """Every rejected input logs a warning; a million of them would cost more than the requests."""
    logging.getLogger("wecom_suite").setLevel(logging.ERROR)


def make_target(store_url: str = "memory://") -> Target:
    clock = ManualClock(START)
    store = open_store(store_url, clock)
    sandbox = Sandbox(clock=clock, ticket_interval=None).start()  # also run outside pytest (bench): no fixtures
    settings = config_settings(store_url, api_base_url=sandbox.base_url)
    app = SuiteApp(store=store, clock=clock, start_worker=False, **settings)
    receiver = CallbackReceiver(TOKEN, KEY, SUITE, clock=clock, suite_id=SUITE)
    return Target(clock, store, app, receiver, sandbox)


def exercise(target: Target, request: FuzzRequest, tally: Tally) -> int:
    """Send one request through ``handle`` (and POST bodies through the receiver); returns the status."""
    tally.inputs += 1
    web = WebRequest(
        request.method, request.path, dict(request.query), dict(request.headers), request.body, "127.0.0.1"
    )
    try:
        response = target.app.handle(web)
    except Exception:
        tally.note(f"handle() raised on {request!r}:\n{traceback.format_exc()}")
        return 599
    tally.statuses[f"{request.kind} {response.status}"] += 1
    if response.status >= 500 and not upstream_answer(request, response.status):
        tally.note(f"{response.status} {response.body[:200]!r} for {request!r}")
    if request.method == "POST" and request.path.startswith(PREFIX + "/callback/instruction"):
        try:
            target.receiver.open(request.query, request.body)
        except CallbackError:
            pass
        except Exception:
            tally.note(f"CallbackReceiver.open raised a non-CallbackError on {request!r}:\n{traceback.format_exc()}")
    return response.status


def process_recorded(target: Target, rounds: int = 400) -> tuple[int, int]:
    """Run the worker over what the fuzzing recorded, advancing the clock past each retry delay, until
    nothing is pending (bounded: ``rounds`` rounds of an hour each; one company's items wait for each
    other, and each may take up to 8 attempts before it is a dead letter).

    Returns (claims in total, items still pending at the end). Anything still pending would be retried
    for ever: every item must end processed or a dead letter.
    """
    claimed = 0
    for _ in range(rounds):
        claimed += target.app.process_pending()
        if target.store.inbox.stats(SUITE).pending == 0:
            break
        target.clock.advance(3600)
    return claimed, target.store.inbox.stats(SUITE).pending
