"""An in-process store: for tests and single-process tools. Thread-safe; nothing survives the process."""

from __future__ import annotations

import json
import secrets
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..clock import DEFAULT_CLOCK, Clock
from .records import CompanyRecord, CompanyState, InboxItem, Lease, StoredToken, SuiteTicket
from .ticket_store import checked_ticket

__all__ = ["MemoryStore"]


_THAWED_LATER: dict[str, Any] = {}  # shared placeholder in stored records; never handed out


class _InboxEntry:
    """Mutable bookkeeping around an :class:`InboxItem` (the record itself stays frozen)."""

    __slots__ = ("done", "item", "leased_until")

    def __init__(self, item: InboxItem) -> None:
        self.item = item
        self.leased_until = 0.0
        self.done = False


class MemoryStore:
    """Every store protocol in plain dicts behind one lock. Leases use ``clock``."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.url = "memory://"
        self._clock = clock or DEFAULT_CLOCK
        self._lock = threading.RLock()
        self._tickets: dict[str, SuiteTicket] = {}
        self._tokens: dict[str, StoredToken] = {}
        self._leases: dict[str, Lease] = {}
        # auth_info is kept as zlib-compressed JSON: a sixth of the memory of nested dicts (10,000 companies
        # with ~1 KB auth_info take ~11 MB), and every read returns a private copy, as SQLite and Redis do.
        self._companies: dict[tuple[str, str], tuple[CompanyRecord, bytes]] = {}
        self._inbox: dict[str, _InboxEntry] = {}
        self._states: dict[tuple[str, str], tuple[str, float]] = {}

    def __repr__(self) -> str:
        return "MemoryStore()"

    def close(self) -> None:
        """Nothing to release; kept for the ``Store`` protocol."""

    # -- tickets ---------------------------------------------------------------------------------
    def save_ticket(self, ticket: SuiteTicket) -> None:
        with self._lock:
            current = self._tickets.get(ticket.suite_id)
            if current is None or current.received_at <= ticket.received_at:
                self._tickets[ticket.suite_id] = ticket

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        ticket = self._tickets.get(suite_id)
        return checked_ticket(suite_id, ticket, now=self._clock.now(), allow_expired=allow_expired)

    # -- tokens ----------------------------------------------------------------------------------
    def get_token(self, key: str) -> StoredToken | None:
        return self._tokens.get(key)

    def set_token(self, key: str, token: StoredToken) -> None:
        with self._lock:
            self._tokens[key] = token

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        with self._lock:
            current = self._tokens.get(key)
            if current is None or (only_if is not None and current.token != only_if):
                return False
            del self._tokens[key]
            return True

    # -- leases ----------------------------------------------------------------------------------
    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        with self._lock:
            now = self._clock.now()
            held = self._leases.get(name)
            if held is not None and held.expires_at > now:
                return None
            lease = Lease(name=name, owner=secrets.token_hex(16), expires_at=now + lease_seconds)
            self._leases[name] = lease
            return lease

    def release(self, lease: Lease) -> bool:
        with self._lock:
            held = self._leases.get(lease.name)
            if held is None or held.owner != lease.owner:
                return False
            del self._leases[lease.name]
            return held.expires_at > self._clock.now()

    # -- company registry ------------------------------------------------------------------------
    def save_company(self, company: CompanyRecord) -> None:
        blob = zlib.compress(json.dumps(company.auth_info, ensure_ascii=False, separators=(",", ":")).encode())
        with self._lock:
            self._companies[(company.suite_id, company.corp_id)] = (replace(company, auth_info=_THAWED_LATER), blob)

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        found = self._companies.get((suite_id, corp_id))
        return None if found is None else self._thaw(found)

    @staticmethod
    def _thaw(found: tuple[CompanyRecord, bytes]) -> CompanyRecord:
        record, blob = found
        return replace(record, auth_info=json.loads(zlib.decompress(blob)))

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        with self._lock:
            found = sorted(self._matching(suite_id, state), key=lambda f: f[0].corp_id)
        return (self._thaw(f) for f in found)

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        with self._lock:
            return sum(1 for _ in self._matching(suite_id, state))

    def _matching(self, suite_id: str, state: CompanyState | None) -> Iterator[tuple[CompanyRecord, bytes]]:
        for (suite, _), found in self._companies.items():
            if suite == suite_id and (state is None or found[0].state == state):
                yield found

    # -- callback inbox --------------------------------------------------------------------------
    def put(self, item: InboxItem) -> bool:
        with self._lock:
            if item.id in self._inbox:
                return False
            self._inbox[item.id] = _InboxEntry(item)
            return True

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxItem | None:
        with self._lock:
            ready = [
                e
                for e in self._inbox.values()
                if not e.done and e.item.suite_id == suite_id and e.item.not_before <= now and e.leased_until <= now
            ]
            if not ready:
                return None
            entry = min(ready, key=lambda e: (e.item.received_at, e.item.id))
            entry.leased_until = now + lease_seconds
            return entry.item

    def complete(self, item_id: str) -> None:
        with self._lock:
            entry = self._inbox.get(item_id)
            if entry is not None:
                entry.done = True
                entry.item = replace(entry.item, payload=b"")

    def retry_later(self, item_id: str, *, not_before: float, error: str) -> None:
        with self._lock:
            entry = self._inbox.get(item_id)
            if entry is None or entry.done:
                return
            entry.item = replace(entry.item, attempts=entry.item.attempts + 1, not_before=not_before, last_error=error)
            entry.leased_until = 0.0

    def pending_count(self, suite_id: str) -> int:
        with self._lock:
            return sum(1 for e in self._inbox.values() if not e.done and e.item.suite_id == suite_id)

    # -- install states --------------------------------------------------------------------------
    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        with self._lock:
            self._states[(suite_id, state)] = (data, expires_at)

    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        with self._lock:
            found = self._states.pop((suite_id, state), None)
        if found is None or found[1] <= now:
            return None
        return found[0]
