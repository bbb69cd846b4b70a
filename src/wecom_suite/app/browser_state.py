"""CSRF ``state`` bound to the browser that started a flow (install or sign-in).

A state alone proves only that *someone* started the flow. Here each state is also tied to a random
binding value kept in a cookie of the browser that asked for it: the server stores the state with a
SHA-256 of the binding (``InstallStates.issue_state``), and the callback accepts the state only
from a request carrying the same binding. So a callback URL opened in another browser, replayed, or
presented after its lifetime completes nothing, and each of those cases can be named to the user.

The cookie is ``HttpOnly`` and ``SameSite=Lax`` (sent on WeCom's top-level GET redirect back to us,
not on cross-site subrequests). Behind https it is ``Secure`` and named with the ``__Host-`` prefix
(the browser then refuses it from a sibling subdomain or over http). Browsers refuse ``__Host-``
cookies without ``Secure``, and ``Secure`` cookies cannot be set over plain http, so on plain http
(development on localhost) the cookie has the same name without the prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..clock import Clock
from ..stores.install_states import InstallStates

__all__ = [
    "BrowserStates",
    "StateCheck",
    "StateOutcome",
    "cookie_header_value",
    "read_cookie",
    "refusal",
    "state_fingerprint",
]

_STATE_RE = re.compile(r"[A-Za-z0-9]{1,128}")
_BINDING_RE = re.compile(r"[A-Za-z0-9_\-]{43}")
_USED = "used."
_USED_MARK_SECONDS = 1200.0  # how long a used state is remembered as used


class StateOutcome(str, Enum):
    """What a callback's state turned out to be; only ``OK`` lets the flow go on."""

    OK = "ok"
    MISSING = "missing"  # no state, or one WeCom would never send back
    NO_COOKIE = "no_cookie"  # this browser holds no binding cookie (other browser, cookies blocked)
    UNKNOWN = "unknown"  # never issued here, for another flow, or long expired
    REPLAYED = "replayed"  # issued and already used once
    EXPIRED = "expired"  # issued, unused, but older than its lifetime
    OTHER_BROWSER = "other_browser"  # issued to a different browser than the one presenting it


@dataclass(frozen=True, slots=True)
class StateCheck:
    outcome: StateOutcome
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is StateOutcome.OK


def read_cookie(headers: Mapping[str, str], name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` request header (lower-cased header names), or None."""
    for part in headers.get("cookie", "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None


def cookie_header_value(name: str, value: str, *, max_age: int, secure: bool) -> str:
    """A ``Set-Cookie`` value: host-only, ``Path=/``, ``HttpOnly``, ``SameSite=Lax``, ``Secure`` over https."""
    flags = f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    return flags + "; Secure" if secure else flags


def _digest(binding: str) -> str:
    return hashlib.sha256(binding.encode("ascii")).hexdigest()


class BrowserStates:
    """Issue and check browser-bound states of one suite, for flows named by ``kind`` (install, login).

    ``grace`` (seconds, default: the lifetime) is how long after expiry a state is still recognised,
    so the user is told "expired" rather than "unknown".
    """

    def __init__(self, states: InstallStates, suite_id: str, name: str, clock: Clock) -> None:
        self._states = states
        self._suite_id = suite_id
        self._name = name
        self._clock = clock

    def cookie_name(self, kind: str, *, secure: bool) -> str:
        base = f"wecom-{kind}-{self._name}"
        return f"__Host-{base}" if secure else base

    def issue(
        self,
        headers: Mapping[str, str],
        kind: str,
        *,
        lifetime: float,
        secure: bool,
        extra: Mapping[str, Any] | None = None,
    ) -> tuple[str, str]:
        """A new state and the ``Set-Cookie`` value binding it to this browser.

        A browser that already holds a well-formed binding cookie keeps it, so two tabs may run the
        same flow at once. ``extra`` (JSON-able) comes back from :meth:`check` with the state.
        """
        name = self.cookie_name(kind, secure=secure)
        binding = read_cookie(headers, name) or ""
        if not _BINDING_RE.fullmatch(binding):
            binding = secrets.token_urlsafe(32)
        state = secrets.token_hex(16)  # WeCom echoes [a-zA-Z0-9]{,128} only
        expires_at = self._clock.now() + lifetime
        data = json.dumps({"k": kind, "b": _digest(binding), "exp": expires_at, "x": dict(extra or {})})
        self._states.issue_state(state, expires_at=expires_at + lifetime, data=data, suite_id=self._suite_id)
        return state, cookie_header_value(name, binding, max_age=int(2 * lifetime), secure=secure)  # + grace

    def check(self, headers: Mapping[str, str], kind: str, state: str, *, secure: bool) -> StateCheck:
        """Use ``state`` up (single use) if this browser started it and it is still fresh.

        A request without the binding cookie is refused before the state is touched, so that it
        cannot burn the state of the browser that did start the flow.
        """
        if not _STATE_RE.fullmatch(state):
            return StateCheck(StateOutcome.MISSING)
        binding = read_cookie(headers, self.cookie_name(kind, secure=secure)) or ""
        if not _BINDING_RE.fullmatch(binding):
            return StateCheck(StateOutcome.NO_COOKIE)
        now = self._clock.now()
        raw = self._states.consume_state(state, now=now, suite_id=self._suite_id)
        if raw is None:
            return StateCheck(StateOutcome.REPLAYED if self._was_used(state, now) else StateOutcome.UNKNOWN)
        try:
            data = json.loads(raw)
            issued_kind, digest, expires_at = str(data["k"]), str(data["b"]), float(data["exp"])
            extra = dict(data.get("x") or {})
        except (ValueError, KeyError, TypeError, AttributeError):
            return StateCheck(StateOutcome.UNKNOWN)
        if issued_kind != kind:
            return StateCheck(StateOutcome.UNKNOWN)
        self._mark_used(state, expires_at)
        if now >= expires_at:
            return StateCheck(StateOutcome.EXPIRED)
        if not hmac.compare_digest(digest, _digest(binding)):
            return StateCheck(StateOutcome.OTHER_BROWSER)
        return StateCheck(StateOutcome.OK, extra)

    # A used state leaves a marker (same store, "used." prefix) for a while, so that presenting it
    # again is reported as a replay rather than as an unknown state.

    def _mark_used(self, state: str, expires_at: float) -> None:
        until = max(expires_at, self._clock.now()) + _USED_MARK_SECONDS
        self._states.issue_state(_USED + state, expires_at=until, data=repr(until), suite_id=self._suite_id)

    def _was_used(self, state: str, now: float) -> bool:
        marker = self._states.consume_state(_USED + state, now=now, suite_id=self._suite_id)
        if marker is None:
            return False
        try:
            until = float(marker)
        except ValueError:
            until = now + _USED_MARK_SECONDS
        self._states.issue_state(_USED + state, expires_at=until, data=marker, suite_id=self._suite_id)
        return True


def refusal(outcome: StateOutcome, what: str, *, lifetime: float) -> tuple[str, str]:
    """(title, detail) telling a person why a ``what`` ("install", "sign-in") callback was refused."""
    minutes = f"{lifetime / 60:g} minutes"
    texts = {
        StateOutcome.MISSING: (
            f"This {what} link is incomplete",
            "The link carries no valid security check (state): it did not come from WeCom's redirect.",
        ),
        StateOutcome.NO_COOKIE: (
            f"This {what} was not started in this browser",
            f"The browser did not send the cookie set when the {what} started: it was started in another "
            "browser or profile, or this browser blocks cookies.",
        ),
        StateOutcome.OTHER_BROWSER: (
            f"This {what} was started in another browser",
            f"The link belongs to a {what} started in a different browser, so it cannot be completed here.",
        ),
        StateOutcome.REPLAYED: (
            f"This {what} link was already used",
            "Each link from WeCom works once; this one has completed (or been refused) before.",
        ),
        StateOutcome.EXPIRED: (
            f"This {what} link has expired",
            f"The {what} was started more than {minutes} ago.",
        ),
        StateOutcome.UNKNOWN: (
            f"This {what} link has expired or was already used",
            f"The {what}'s security check (state) is unknown here, used, or older than {minutes}.",
        ),
    }
    return texts.get(outcome, (f"The {what} could not be completed", "The security check (state) failed."))


def state_fingerprint(state: str) -> str:
    """A short, non-reversible name for a state in logs (the state itself is a CSRF token)."""
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()[:10]
