"""The Redis key layout version (``{prefix}:schema``) and the upgrade from wecom-suite 0.1's layout.

0.1 wrote no version key. Its tickets, tokens, leases and install states keep their keys; what moves
is what must now change together in one hash slot:

- companies: ``{prefix}:company:<suite>:<corp>`` and the ``{prefix}:companies:<suite>[:<state>]`` sets
  move under the suite's hash tag (``auth_event_time`` reads as 0);
- the inbox: each ``{prefix}:inbox:item:<id>`` hash becomes an item of the new inbox (pending ones in
  the suite queue ``""``; finished ones DONE with ``finished_at`` = ``received_at``), and the
  ``{prefix}:inbox:ready:<suite>`` sets go.

Each old key is copied, then deleted, so an upgrade that dies half-way is finished by the next open.
One process upgrades at a time (a ``SET NX`` lock); the others wait for the version key. Stop 0.1
processes before the first 0.2 process starts: they would keep writing the old layout.
"""

from __future__ import annotations

import secrets
import time

from ..records import CallbackSource, CompanyRecord, InboxItem, ItemState
from .companies import RedisCompanies, company_from_json
from .connection import Connection, as_text
from .inbox import RedisInbox

__all__ = ["SCHEMA_VERSION", "ensure_schema"]

SCHEMA_VERSION = 2
UPGRADE_WAIT = 60.0  # seconds another process may take to upgrade before we give up


def _pattern(connection: Connection, *parts: str) -> str:
    """A SCAN pattern for keys under ``prefix:parts...:`` (glob characters in the prefix escaped)."""
    escaped = "".join("\\" + ch if ch in "*?[]\\" else ch for ch in connection.key(*parts))
    return escaped + ":*"


def _unescape(value: str) -> str:
    return value.replace("%3A", ":").replace("%25", "%")


def ensure_schema(connection: Connection, companies: RedisCompanies, inbox: RedisInbox) -> None:
    """Check the layout version; upgrade 0.1's keys when there is no version yet. Raises StoreError."""
    from ...errors.store import StoreError

    r = connection.r
    version_key = connection.key("schema")
    found = r.get(version_key)
    if found is None:
        lock_key = connection.key("schema", "upgrading")
        token = secrets.token_hex(16)
        if r.set(lock_key, token, nx=True, px=int(UPGRADE_WAIT * 1000)):
            try:
                if r.get(version_key) is None:
                    _upgrade_from_1(connection, companies, inbox)
                    r.set(version_key, str(SCHEMA_VERSION))
            finally:
                if r.get(lock_key) == token.encode():
                    r.delete(lock_key)
        else:
            deadline = time.monotonic() + UPGRADE_WAIT
            while r.get(version_key) is None:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{connection!r}: another process has been upgrading the key layout for over "
                        f"{UPGRADE_WAIT:g} s",
                        hint=f"check that process's log; delete {lock_key} if it died",
                    )
                time.sleep(0.05)  # waiting for another process, not for a clock
        found = r.get(version_key)
    version = int(as_text(found))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{connection!r} has key layout version {version}, newer than this library's {SCHEMA_VERSION}",
            hint="upgrade wecom-suite, or use another key prefix",
        )


def _upgrade_from_1(connection: Connection, companies: RedisCompanies, inbox: RedisInbox) -> None:
    r = connection.r
    company_prefix = connection.key("company") + ":"
    for key in r.scan_iter(match=_pattern(connection, "company"), count=500):
        name = key.decode()
        suite_part, _, corp_id = name[len(company_prefix) :].partition(":")
        raw = r.get(key)
        if raw is not None:
            record: CompanyRecord = company_from_json(_unescape(suite_part), corp_id, raw)
            companies.save_company(record)
        r.delete(key)
    for key in r.scan_iter(match=_pattern(connection, "companies"), count=500):
        r.delete(key)
    item_prefix = connection.key("inbox", "item") + ":"
    for key in r.scan_iter(match=_pattern(connection, "inbox", "item"), count=500):
        h = r.hgetall(key)
        if h:
            done = h.get(b"done") == b"1"
            received_at = float(h[b"received_at"])
            item = InboxItem(
                id=key.decode()[len(item_prefix) :],
                suite_id=as_text(h[b"suite_id"]),
                payload=b"" if done else bytes(h.get(b"payload", b"")),
                received_at=received_at,
                source=CallbackSource.INSTRUCTION,
                attempts=int(h.get(b"attempts", b"0")),
                not_before=float(h.get(b"not_before", b"0")),
                last_error=as_text(h.get(b"last_error", b"")),
                state=ItemState.DONE if done else ItemState.PENDING,
                finished_at=received_at if done else 0.0,
            )
            inbox.put(item)
        r.delete(key)
    for key in r.scan_iter(match=_pattern(connection, "inbox", "ready"), count=500):
        r.delete(key)
