"""The operator console at ``{prefix}/console``: companies, tokens, suite_ticket, inbox, dead letters.

Off unless ``console_token`` (``WECOM_CONSOLE_TOKEN``) is set; then an operator signs in with that
token (see :mod:`.console_auth`). Server-rendered HTML from the Jinja2 templates in
``wecom_suite/templates/console/`` (autoescaped), labels in 简体中文 and English. It shows no secret:
tokens appear as their age and expiry only, callbacks as URL, InfoType, company and outcome.

=========================================  =============================================
``GET  {prefix}/console``                  the sign-in form, or the overview once signed in
``POST {prefix}/console/signin``           ``token=``: starts a session (HttpOnly, SameSite=Strict cookie)
``POST {prefix}/console/signout``          ends it
``POST {prefix}/console/inbox/retry``      ``item_id=``: a dead letter goes back to the inbox (revive)
``POST {prefix}/console/inbox/drop``       ``item_id=``: a dead letter is deleted for good
=========================================  =============================================

Every POST but the sign-in needs the session's CSRF token (hidden field ``csrf``); every POST is
refused when the browser's ``Origin`` is not this service.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors.store import TicketNotFound
from ..stores.records import SUITE_QUEUE, SUITE_TICKET_VALIDITY, CompanyRecord, ItemState, StoredToken
from ..stores.token_keys import corp_token_key, provider_token_key, suite_token_key
from ..stores.url import sqlite_path
from ..web.request import WebRequest
from ..web.response import WebResponse
from .console_auth import ConsoleAuth, Session
from .install_flow import public_base_url

if TYPE_CHECKING:  # pragma: no cover
    from .suite_app import SuiteApp

__all__ = ["CONSOLE_TOKEN_FILE", "Console", "console_off", "console_token_for"]

logger = logging.getLogger("wecom_suite.console")

CONSOLE_TOKEN_FILE = "console-token"  # noqa: S105 - a file name, not a token
_MAX_FORM_BYTES = 4096
_MAX_FAILURES = 10  # wrong tokens per _FAILURE_WINDOW seconds before sign-in pauses
_FAILURE_WINDOW = 60.0
_DEAD_SHOWN = 50
_PENDING_SCANNED = 1000
# app_status of edition_info (付费版本状态), https://developer.work.weixin.qq.com/document/path/90604
_APP_STATUS = {
    1: "限时试用 trial",
    2: "试用过期 trial expired",
    3: "购买期内 paid",
    4: "购买过期 expired",
    5: "不限时试用 free trial",
    6: "人数超标(宽限期) over user limit (grace)",
    7: "人数超标 over user limit",
}

_env: Environment | None = None


def _templates() -> Environment:
    global _env
    if _env is None:
        env = Environment(
            loader=PackageLoader("wecom_suite", "templates"),
            autoescape=select_autoescape(["html"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["when"] = _when
        env.filters["age"] = _age
        _env = env
    return _env


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _age(seconds: float | None) -> str:
    """``42 s``, ``7 min``, ``3 h``, ``2 d`` (negative: ``in …``)."""
    if seconds is None:
        return "—"
    ahead, seconds = seconds < 0, abs(seconds)
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size or (unit == "min" and seconds >= size):
            text = f"{seconds / size:.0f} {unit}"
            break
    else:
        text = f"{seconds:.0f} s"
    return f"in {text}" if ahead else text


@dataclass(frozen=True, slots=True)
class TokenRow:
    """Freshness of one cached credential; never its value."""

    kind: str
    owner: str
    obtained_at: float | None
    expires_in: float | None
    fresh: bool


class Console:
    """The console of one suite; built by :class:`SuiteApp` only when ``console_token`` is set."""

    def __init__(self, app: SuiteApp, console_token: str) -> None:
        self.app = app
        self.path = f"{app.config.url_prefix}/console"
        self.auth = ConsoleAuth(console_token, app.config.suite_id, self.path)
        self._failures: deque[float] = deque(maxlen=_MAX_FAILURES)  # times of recent wrong tokens
        self._failures_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Console(path={self.path!r})"

    # -- routing ---------------------------------------------------------------------------------------

    def handle(self, request: WebRequest, endpoint: str) -> WebResponse:
        """``endpoint``: the path under the prefix (``/console``, ``/console/signin``, ...)."""
        action = endpoint[len("/console"):]
        method = request.method.upper()
        if action == "":
            if method not in ("GET", "HEAD"):
                return _plain("method not allowed", 405, allow="GET")
            return self._overview(request)
        if action not in ("/signin", "/signout", "/inbox/retry", "/inbox/drop"):
            return _plain("not found", 404)
        if method != "POST":
            return _plain("method not allowed", 405, allow="POST")
        if not ConsoleAuth.origin_ok(request.headers, self._origins(request)):
            logger.warning("console %s: refused a POST from origin %r", action, request.headers.get("origin"))
            return self._refusal(request, 403, "请求来源不是本服务 / The request did not come from this site (Origin).")
        if len(request.body) > _MAX_FORM_BYTES:
            return _plain("form too large", 413)
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        if action == "/signin":
            return self._sign_in(request, form)
        session = self.auth.session(request.headers, self.app.clock.now())
        if session is None:
            return self._refusal(request, 403, "请先登录 / Sign in first: the session is missing or expired.")
        if not ConsoleAuth.csrf_ok(session, form.get("csrf", "")):
            logger.warning("console %s: refused a POST without a valid CSRF token", action)
            return self._refusal(request, 403, "表单已失效 / The form is stale or forged (CSRF token): reload it.")
        if action == "/signout":
            response = WebResponse.redirect(self.path, status=303)
            response.headers["set-cookie"] = self.auth.clearing_cookie(secure=self._secure(request))
            return response
        return self._act_on_dead_letter(action, form.get("item_id", ""))

    # -- sign-in -----------------------------------------------------------------------------------------

    def _sign_in(self, request: WebRequest, form: dict[str, str]) -> WebResponse:
        now = self.app.clock.now()
        with self._failures_lock:
            throttled = len(self._failures) == _MAX_FAILURES and now - self._failures[0] < _FAILURE_WINDOW
        if throttled:  # guessing is slowed to _MAX_FAILURES tries a minute per process
            return self._page("console/signin.html", status=429,
                              error="尝试次数过多 / Too many wrong tokens: wait a minute, then try again.")
        if not self.auth.token_matches(form.get("token", "")):
            with self._failures_lock:
                self._failures.append(now)
            logger.warning("console: a sign-in with a wrong token (from %s)", request.remote_addr or "?")
            return self._page("console/signin.html", status=403, error="令牌不正确 / Wrong console token.")
        session = self.auth.new_session(self.app.clock.now())
        logger.info("console: an operator signed in (from %s)", request.remote_addr or "?")
        response = WebResponse.redirect(self.path, status=303)
        response.headers["set-cookie"] = self.auth.cookie(session, secure=self._secure(request))
        return response

    def _refusal(self, request: WebRequest, status: int, message: str) -> WebResponse:
        return self._page("console/signin.html", status=status, error=message)

    # -- actions -----------------------------------------------------------------------------------------

    def _act_on_dead_letter(self, action: str, item_id: str) -> WebResponse:
        inbox = self.app.store.inbox
        item = inbox.get_item(item_id) if item_id else None
        if item is None or item.suite_id != self.app.config.suite_id:
            return self._back("unknown", item_id)
        if action == "/inbox/retry":
            done = inbox.revive(item_id, now=self.app.clock.now())
            if done:
                self.app.worker.notify()
            outcome = "retried" if done else "not_dead"
        else:
            outcome = "dropped" if inbox.drop(item_id) else "not_dead"
        logger.info("console: dead letter %s %s", item_id[:12], outcome)
        return self._back(outcome, item_id)

    def _back(self, outcome: str, item_id: str) -> WebResponse:
        return WebResponse.redirect(f"{self.path}?done={quote(outcome)}&item={quote(item_id[:12])}", status=303)

    # -- the overview ------------------------------------------------------------------------------------

    def _overview(self, request: WebRequest) -> WebResponse:
        session = self.auth.session(request.headers, self.app.clock.now())
        if session is None:
            return self._page("console/signin.html")
        try:
            values = self.overview()
        except Exception as exc:  # the store went away: say so instead of a bare 500
            logger.warning("console: the store did not answer: %s", type(exc).__name__)
            return self._page("console/signin.html", status=503, session=session,
                              error=f"存储不可用 / The store did not answer ({type(exc).__name__}); try again.")
        return self._page("console/overview.html", session=session, done=request.query.get("done", ""),
                          done_item=request.query.get("item", ""), **values)

    def overview(self) -> dict[str, Any]:
        """Everything the overview page shows, as plain values (no secret among them)."""
        app, now = self.app, self.app.clock.now()
        suite_id = app.config.suite_id
        store = app.store
        try:
            ticket_age: float | None = store.tickets.get_ticket(suite_id, allow_expired=True).age(now)
        except TicketNotFound:
            ticket_age = None
        stats = store.inbox.stats(suite_id)
        pending = list(store.inbox.list_items(suite_id, state=ItemState.PENDING, limit=_PENDING_SCANNED))
        by_queue: dict[str, list[float]] = defaultdict(list)
        for item in pending:
            by_queue[item.queue].append(item.received_at)
        recent = app.recent.newest(50) if app.recent is not None else []
        last_seen: dict[str, float] = {}
        for entry in reversed(recent):
            if entry.corp_id:
                last_seen[entry.corp_id] = entry.at
        companies = [
            self._company_row(company, now, by_queue, last_seen)
            for company in store.companies.list_companies(suite_id)
        ]
        companies.sort(key=lambda row: (not row["active"], -row["installed_at"]))
        suite_token = store.tokens.get_token(suite_token_key(suite_id))
        tokens = [self._token_row("suite_access_token", suite_id, suite_token, now)]
        if app.config.provider_corp_id and app.config.provider_secret:
            key = provider_token_key(app.config.provider_corp_id)
            tokens.append(self._token_row("provider_access_token", app.config.provider_corp_id,
                                          store.tokens.get_token(key), now))
        states = {}
        for entry in recent:
            if entry.item_id and entry.item_id not in states:
                found = store.inbox.get_item(entry.item_id)
                states[entry.item_id] = found.state.value if found is not None else "purged"
        queues = [
            {"queue": queue or "(suite)", "count": len(times), "oldest_age": now - min(times)}
            for queue, times in sorted(by_queue.items(), key=lambda pair: min(pair[1]))
        ]
        return {
            "suite": app.config,
            "now": now,
            "ticket_age": ticket_age,
            "ticket_fresh": ticket_age is not None and ticket_age < SUITE_TICKET_VALIDITY,
            "stats": stats,
            "oldest_age": now - stats.oldest_pending_at if stats.oldest_pending_at is not None else None,
            "queues": queues,
            "running": [(r.claim.item, now - r.started_at) for r in app.worker.running()],
            "worker_running": app.worker.started,
            "dead": list(store.inbox.list_items(suite_id, state=ItemState.DEAD, limit=_DEAD_SHOWN)),
            "companies": companies,
            "tokens": tokens,
            "recent": recent,
            "states": states,
            "suite_queue": SUITE_QUEUE,
        }

    def _company_row(
        self, company: CompanyRecord, now: float, by_queue: dict[str, list[float]], last_seen: dict[str, float]
    ) -> dict[str, Any]:
        editions = []
        edition_info = company.auth_info.get("edition_info") or {}
        for agent in edition_info.get("agent", []) if isinstance(edition_info, dict) else []:
            if isinstance(agent, dict):
                editions.append({
                    "name": str(agent.get("edition_name") or agent.get("edition_id") or "—"),
                    "status": _APP_STATUS.get(agent.get("app_status", 0), str(agent.get("app_status", "—"))),
                    "user_limit": agent.get("user_limit"),
                    "expires_at": agent.get("expired_time"),
                })
        stored = self.app.store.tokens.get_token(corp_token_key(company.suite_id, company.corp_id))
        waiting = by_queue.get(company.corp_id, [])
        return {
            "corp_id": company.corp_id,
            "corp_name": company.corp_name,
            "active": company.active,
            "state": company.state.value,
            "installed_at": company.installed_at,
            "revoked_at": company.revoked_at,
            "editions": editions,
            "token": self._token_row("access_token", company.corp_id, stored, now),
            "pending": len(waiting),
            "oldest_age": now - min(waiting) if waiting else None,
            "last_callback": last_seen.get(company.corp_id),
        }

    @staticmethod
    def _token_row(kind: str, owner: str, stored: StoredToken | None, now: float) -> TokenRow:
        if stored is None:
            return TokenRow(kind, owner, None, None, False)
        return TokenRow(kind, owner, stored.obtained_at, stored.expires_at - now, stored.expires_at > now)

    # -- rendering ---------------------------------------------------------------------------------------

    def _page(self, template: str, *, status: int = 200, session: Session | None = None, **values: Any) -> WebResponse:
        html = _templates().get_template(template).render(
            console_path=self.path, suite_name=self.app.config.name, session=session, **values
        )
        response = WebResponse.html(html, status=status)
        response.headers.update(_PAGE_HEADERS)
        return response

    def _origins(self, request: WebRequest) -> list[str]:
        host = request.headers.get("host", "")
        return [public_base_url(self.app.config, request), *([f"http://{host}", f"https://{host}"] if host else [])]

    def _secure(self, request: WebRequest) -> bool:
        return public_base_url(self.app.config, request).startswith("https://")


_PAGE_HEADERS = {
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
}


def _plain(text: str, status: int, *, allow: str | None = None) -> WebResponse:
    response = WebResponse.text(text, status=status)
    if allow:
        response.headers["allow"] = allow
    return response


def console_off(url_prefix: str) -> WebResponse:
    """Every console path while ``console_token`` is not set: 404 saying how to turn it on."""
    response = WebResponse.text(
        "the operator console is off: set console_token (WECOM_CONSOLE_TOKEN) to a long random value, then "
        f"restart and sign in at {url_prefix}/console with it",
        status=404,
    )
    response.headers["x-wecom-console"] = "off"
    return response


def console_token_for(
    where: str | os.PathLike[str], *, name: str = CONSOLE_TOKEN_FILE, make: Callable[[], str] | None = None
) -> str:
    """The console token kept next to a database (``<dir>/console-token``), made on first use.

    For development servers (``make run``): a fresh random token is written with mode 0600 and read
    back on later runs, so a bookmarked sign-in keeps working. ``name`` and ``make`` keep another such
    value the same way (the sandbox's ``secret_key``: ``make=generate_secret_key``). ``where`` is the database file, its
    directory, or a store URL: ``sqlite:///path.db`` keeps it beside the file, other URLs (memory://,
    redis://) in the current directory. Raises ``OSError`` when the directory is not writable.
    """
    text = os.fspath(where)
    if "://" in text:
        text = sqlite_path(text) if text.startswith("sqlite:") else "."
    place = Path(text)
    folder = place if place.is_dir() else place.parent
    file = folder / name
    try:
        token = file.read_text(encoding="utf-8").strip()
        if len(token) >= 16:
            return token
    except FileNotFoundError:
        pass
    token = make() if make is not None else secrets.token_urlsafe(24)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    return token
