"""Keeping secrets out of ``repr``, logs and exceptions.

Tokens, secrets, permanent codes and EncodingAESKeys must never appear whole anywhere a human or a
log shipper can read them. :func:`redact` keeps a short prefix so that two values can still be told
apart while debugging.

Two value types carry secrets through objects that get printed, copied or turned into dicts (a
callback context, an event's ``raw`` fields): :class:`SecretText` (opaque: only ``reveal()`` gives the
text) and :class:`RedactedBytes` (a ``bytes`` that prints as its length). ``copy``/``deepcopy`` (and so
``dataclasses.asdict``) keep them as they are; pickling keeps the value, so a round trip still works.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

__all__ = ["SECRET_QUERY_PARAMS", "RedactedBytes", "SecretText", "redact", "redact_store_url", "redact_url"]

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


# A query parameter whose name says it holds a password or another secret: ``password`` (redis-py),
# ``sslpassword`` (libpq), ``db_passwd``, ``auth_token``, ...
_SECRET_PARAM_RE = re.compile(r"(?P<key>(?:^|[?&])[^&=#]*(?:password|passwd|pwd|secret|token)[^&=#]*=)[^&#]*", re.I)
# Where the query begins: a "?" followed by a name and "=" before any "@" (a "?" written raw inside a
# password is followed by more of the password and then the "@" that ends it).
_QUERY_START_RE = re.compile(r"\?[^@=]*=")


def redact_store_url(url: str) -> str:
    """A store URL without its password: ``redis://user:pw@host:6379/0`` -> ``redis://user:***@host:6379/0``.

    The password ends at the last ``@`` before the query (the host never holds an ``@``), so one written
    raw with ``/``, ``@``, ``:`` or ``?`` in it is hidden whole; query parameters named like a password or
    a secret (``password=`` for redis-py, ``sslpassword=`` for libpq, ...) are hidden too. The user name,
    host, path and other parameters stay, so the URL still says where the store is.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    query_at = match.start() if (match := _QUERY_START_RE.search(rest)) else len(rest)
    head, query = rest[:query_at], rest[query_at:]
    if not head.startswith("/"):  # sqlite:///path has no authority, and an "@" there is part of the path
        userinfo, at, host = head.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        if at and colon:
            head = f"{user}:***@{host}"
    return f"{scheme}://{head}{_SECRET_PARAM_RE.sub(lambda m: m.group('key') + '***', query)}"


class SecretText:
    """A credential met inside a document (a suite_ticket among a callback's fields), kept opaque.

    ``repr``/``str``/f-strings show :func:`redact` of it, never the text; ``reveal()`` returns the text.
    Equal (compared in constant time) to a ``SecretText`` or a ``str`` with the same text, and hashed like
    that text, so dicts holding one compare and look up as they did with the plain string.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        """The text itself: only where the credential is used."""
        return self._text

    def __repr__(self) -> str:
        return f"SecretText({redact(self._text)})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SecretText):
            other = other._text
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self._text.encode(), other.encode())

    def __hash__(self) -> int:
        return hash(self._text)

    def __copy__(self) -> SecretText:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> SecretText:
        return self

    def __reduce__(self) -> tuple[type[SecretText], tuple[str]]:
        return SecretText, (self._text,)


class RedactedBytes(bytes):
    """Bytes holding secrets (a decrypted callback, which may carry a suite_ticket or an auth code) that
    print as their length: ``repr``, ``str``, f-strings, ``%s`` in a log line, ``pprint``.

    Everything else is plain ``bytes`` (compare, ``decode()``, slice, hash, write to a store), so code
    that reads the bytes on purpose needs no change; slices and ``bytes(x)`` are plain bytes again.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"RedactedBytes(<{len(self)} bytes>)"

    __str__ = __repr__

    def __copy__(self) -> RedactedBytes:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> RedactedBytes:
        return self
