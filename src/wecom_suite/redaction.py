"""Keeping secrets out of ``repr``, logs and exceptions.

Tokens, secrets, permanent codes and EncodingAESKeys must never appear whole anywhere a human or a
log shipper can read them. :func:`redact` keeps a short prefix so that two values can still be told
apart while debugging.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["SECRET_QUERY_PARAMS", "redact", "redact_store_url", "redact_url"]

# Query parameters and JSON keys whose values are credentials.
SECRET_QUERY_PARAMS = frozenset(
    {
        "access_token",
        "suite_access_token",
        "provider_access_token",
        "corpsecret",
        "suite_secret",
        "provider_secret",
        "permanent_code",
        "suite_ticket",
        "auth_code",
        "pre_auth_code",
        "user_ticket",
        "code",
        "ticket",
        "secret",
    }
)

_QUERY_RE = re.compile(
    r"(?P<key>(?:" + "|".join(sorted(SECRET_QUERY_PARAMS, key=len, reverse=True)) + r"))=(?P<value>[^&#\s\"']+)"
)


FINGERPRINT_MIN_LENGTH = 24


def redact(value: str | None) -> str:
    """A secret as its length, never any of its characters: ``'…(43)#3fa9c1'``.

    Values of at least 24 characters (tokens, tickets, permanent codes, EncodingAESKeys: long and random)
    also get a 6-hex-digit SHA-256 fingerprint, so two values can be told apart while debugging without
    revealing anything usable; shorter values (a callback Token, a password) get only their length, since
    a fingerprint of a short secret could be brute-forced.
    """
    if not value:
        return "''"
    if len(value) < FINGERPRINT_MIN_LENGTH:
        return f"…({len(value)})"
    return f"…({len(value)})#{hashlib.sha256(value.encode()).hexdigest()[:6]}"


def redact_url(url: str) -> str:
    """Redact credential query parameters (``?suite_access_token=...``) inside a URL or any text."""
    return _QUERY_RE.sub(lambda m: f"{m.group('key')}={redact(m.group('value'))}", url)


_PASSWORD_PARAM_RE = re.compile(r"(?P<key>(?:^|[?&])password=)[^&#]*")


def redact_store_url(url: str) -> str:
    """A store URL without its password: ``redis://user:pw@host:6379/0`` -> ``redis://user:***@host:6379/0``.

    Only the authority's password (and a ``?password=`` query parameter, which redis-py also reads) is
    hidden; the user name, host, path and other parameters stay, so the URL still says where the store is.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        if colon:
            authority = f"{user}:***@{host}"
    tail = _PASSWORD_PARAM_RE.sub(r"\g<key>***", tail)
    return f"{scheme}://{authority}{slash}{tail}"
