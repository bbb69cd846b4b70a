"""``{prefix}/healthz`` and ``{prefix}/readyz``: JSON answers for load balancers and Kubernetes probes.

``healthz`` says the process answers HTTP (a liveness probe). ``readyz`` checks the store and reports
the suite_ticket's age and whether the inbox moves:

* ``store``: the store answered (inbox counts and the ticket read). Always decides readiness: a
  process that cannot record callbacks should get none.
* ``suite_ticket``: the newest ticket is younger than its 30-minute validity.
* ``inbox``: while this process runs the inbox worker, the oldest pending callback is younger than
  ``stall_after`` seconds (15 minutes: longer than the worker's backoff and wait limits allow).

The last two are reported but do not make a probe fail unless ``?strict=1`` is asked for: WeCom pushes
the ticket to the very URL a not-ready pod stops receiving, and every pod shares the inbox, so a stale
ticket or a stuck handler would take *every* pod out of the load balancer and no callback could be
recorded any more. Point alerting (an uptime check) at ``readyz?strict=1`` and the Kubernetes
readiness probe at ``readyz``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors.store import TicketNotFound
from ..stores.records import SUITE_TICKET_VALIDITY
from ..web.request import WebRequest
from ..web.response import WebResponse

if TYPE_CHECKING:  # pragma: no cover
    from .suite_app import SuiteApp

__all__ = ["STALL_AFTER", "healthz", "readiness", "readyz"]

STALL_AFTER = 900.0  # seconds


def healthz(app: SuiteApp) -> WebResponse:
    """The process is alive and serving this suite."""
    return _json({"status": "ok", "suite": app.config.name}, 200)


def readiness(app: SuiteApp, *, strict: bool = False, stall_after: float = STALL_AFTER) -> tuple[bool, dict[str, Any]]:
    """(ready, body) of the readiness probe; see the module docstring for what each check means."""
    now = app.clock.now()
    suite_id = app.config.suite_id
    checks: dict[str, dict[str, Any]] = {}
    try:
        stats = app.store.inbox.stats(suite_id)
        try:
            ticket_age: float | None = app.store.tickets.get_ticket(suite_id, allow_expired=True).age(now)
        except TicketNotFound:
            ticket_age = None
    except Exception as exc:  # any backend error: the store is what is not ready
        checks["store"] = {"ok": False, "gating": True, "detail": f"the store did not answer: {type(exc).__name__}"}
        return False, {"status": "not_ready", "suite": app.config.name, "checks": checks}
    checks["store"] = {"ok": True, "gating": True}
    if ticket_age is None:
        checks["suite_ticket"] = {"ok": False, "gating": strict, "age_seconds": None,
                                  "detail": "no suite_ticket received yet (WeCom pushes one every 10 minutes)"}
    else:
        fresh = ticket_age < SUITE_TICKET_VALIDITY
        checks["suite_ticket"] = {"ok": fresh, "gating": strict, "age_seconds": round(ticket_age, 1)}
        if not fresh:
            checks["suite_ticket"]["detail"] = "older than 30 minutes: WeCom's pushes do not arrive"
    oldest = round(now - stats.oldest_pending_at, 1) if stats.oldest_pending_at is not None else None
    inbox: dict[str, Any] = {"ok": True, "gating": strict, "pending": stats.pending, "dead": stats.dead,
                             "oldest_pending_age_seconds": oldest, "worker_running": app.worker.started}
    if app.worker.started and oldest is not None and oldest > stall_after:
        inbox["ok"] = False
        inbox["detail"] = f"the oldest pending callback waits longer than {stall_after:.0f} s"
    checks["inbox"] = inbox
    ready = all(check["ok"] for check in checks.values() if check["gating"])
    degraded = not all(check["ok"] for check in checks.values())
    status = "not_ready" if not ready else "degraded" if degraded else "ready"
    return ready, {"status": status, "suite": app.config.name, "checks": checks}


def readyz(app: SuiteApp, request: WebRequest) -> WebResponse:
    """200 when ready (``status`` ready or degraded), 503 when not; ``?strict=1`` makes every check count."""
    strict = request.query.get("strict", "").lower() in {"1", "true", "yes"}
    ready, body = readiness(app, strict=strict)
    return _json(body, 200 if ready else 503)


def _json(body: dict[str, Any], status: int) -> WebResponse:
    response = WebResponse(status, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                           {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"})
    return response
