"""Sign-in, session cookie and CSRF protection of the operator console. Sans-I/O: values in, values out.

An operator signs in with ``console_token`` (``WECOM_CONSOLE_TOKEN``), compared in constant time. The
session is a cookie ``<issued>.<session id>.<HMAC>``: HttpOnly, SameSite=Strict, limited to the
console's path, Secure behind https, valid for :data:`SESSION_LIFETIME` seconds. The HMAC key is
derived from the console token, so changing the token ends every session. Each session has a CSRF
token (an HMAC of its id) that every form carries in a hidden field; a POST must also come from our
own origin when the browser sends ``Origin``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .browser_state import read_cookie

__all__ = ["SESSION_LIFETIME", "ConsoleAuth", "Session"]

SESSION_LIFETIME = 12 * 3600  # seconds


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in operator: the session id (in the cookie) and its CSRF token (in every form)."""

    session_id: str
    issued_at: int
    csrf_token: str


class ConsoleAuth:
    """Checks the console token, issues and reads session cookies, checks CSRF tokens and origins."""

    def __init__(self, console_token: str, suite_id: str, cookie_path: str, *, cookie_name: str = "wecom-console"):
        self._token = console_token.encode("utf-8")
        self._key = hmac.new(b"wecom-suite console session v1", self._token + b"\0" + suite_id.encode(),
                             hashlib.sha256).digest()
        self.cookie_path = cookie_path
        self.cookie_name = cookie_name

    def __repr__(self) -> str:
        return f"ConsoleAuth(cookie_path={self.cookie_path!r})"

    def token_matches(self, offered: str) -> bool:
        """Constant-time comparison with the configured console token."""
        return hmac.compare_digest(offered.encode("utf-8"), self._token)

    def _mac(self, message: str) -> str:
        return hmac.new(self._key, message.encode("ascii"), hashlib.sha256).hexdigest()

    def new_session(self, now: float) -> Session:
        return self._session(secrets.token_urlsafe(18), int(now))

    def _session(self, session_id: str, issued_at: int) -> Session:
        return Session(session_id, issued_at, self._mac(f"csrf.{session_id}")[:40])

    def cookie(self, session: Session, *, secure: bool) -> str:
        """The ``Set-Cookie`` value that starts ``session``."""
        value = f"{session.issued_at}.{session.session_id}"
        return self._cookie(f"{value}.{self._mac(value)}", SESSION_LIFETIME, secure=secure)

    def clearing_cookie(self, *, secure: bool) -> str:
        return self._cookie("", 0, secure=secure)

    def _cookie(self, value: str, max_age: int, *, secure: bool) -> str:
        flags = f"{self.cookie_name}={value}; Path={self.cookie_path}; Max-Age={max_age}; HttpOnly; SameSite=Strict"
        return flags + "; Secure" if secure else flags

    def session(self, headers: Mapping[str, str], now: float) -> Session | None:
        """The session the request's cookie proves, or None (absent, forged, expired)."""
        raw = read_cookie(headers, self.cookie_name) or ""
        issued, _, rest = raw.partition(".")
        session_id, _, mac = rest.rpartition(".")
        if not (issued.isdigit() and session_id and mac):
            return None
        if not hmac.compare_digest(mac, self._mac(f"{issued}.{session_id}")):
            return None
        if not -60 <= now - int(issued) < SESSION_LIFETIME:
            return None
        return self._session(session_id, int(issued))

    @staticmethod
    def csrf_ok(session: Session, offered: str) -> bool:
        return hmac.compare_digest(offered.encode("utf-8"), session.csrf_token.encode("ascii"))

    @staticmethod
    def origin_ok(headers: Mapping[str, str], base_urls: Iterable[str]) -> bool:
        """No ``Origin`` (older browsers, curl): True. Otherwise it must be one of this service's own
        origins (``base_urls``: the configured public URL and the one the request came in on)."""
        origin = headers.get("origin")
        if origin is None:
            return True
        theirs = urlsplit(origin)
        for base_url in base_urls:
            ours = urlsplit(base_url)
            if ours.netloc and (ours.scheme, ours.netloc.lower()) == (theirs.scheme, theirs.netloc.lower()):
                return True
        return False
