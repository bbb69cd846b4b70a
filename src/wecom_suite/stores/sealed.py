"""Sealed parts: wrappers that seal secrets on the way into any backend and open them on the way out.

Backend-independent, so memory, SQLite, Redis and PostgreSQL get the same protection: the backend
stores the ``wsx1:`` text (see :mod:`wecom_suite.stores.sealing`) where it stored the secret before.

What is sealed, and what it is bound to (a value copied to another row fails to open):

========================  ==============================  ===================================
part                      sealed field                    bound to
========================  ==============================  ===================================
tickets                   ``SuiteTicket.ticket``          suite id
tokens                    ``StoredToken.token``           the token key (names suite and corp)
companies                 ``CompanyRecord.permanent_code`` suite id + corp id
inbox                     ``InboxItem.payload``           suite id + item id
========================  ==============================  ===================================

Leases and install states hold no secrets and are passed through. ``auth_info`` holds none either
(the permanent code and access token are taken out of it before it is stored).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace

from .companies import Companies
from .inbox import Inbox
from .records import CompanyRecord, CompanyState, InboxClaim, InboxItem, InboxStats, ItemState, StoredToken, SuiteTicket
from .sealing import Sealer, UnknownKey
from .store import Store
from .tickets import Tickets
from .tokens import Tokens

__all__ = [
    "COMPANY_PART",
    "INBOX_PART",
    "TICKET_PART",
    "TOKEN_PART",
    "SealedCompanies",
    "SealedInbox",
    "SealedTickets",
    "SealedTokens",
    "seal_store",
    "unsealed",
    "warn_if_plain",
]

logger = logging.getLogger("wecom_suite.stores")

TICKET_PART = "suite_ticket"
TOKEN_PART = "token"  # noqa: S105 - a part name, not a password
COMPANY_PART = "permanent_code"
INBOX_PART = "inbox payload"


class SealedTickets:
    """Tickets with each ``suite_ticket`` sealed to its suite id."""

    def __init__(self, inner: Tickets, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def save_ticket(self, ticket: SuiteTicket) -> None:
        sealed = self.sealer.seal_text(ticket.ticket, TICKET_PART, ticket.suite_id)
        self.inner.save_ticket(replace(ticket, ticket=sealed))

    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        found = self.inner.get_ticket(suite_id, allow_expired=allow_expired)
        return replace(found, ticket=self.sealer.open_text(found.ticket, TICKET_PART, suite_id))


class SealedTokens:
    """Tokens sealed to their key. A token under a key that is no longer configured reads as missing
    (tokens are a cache: it is fetched again); an altered or moved one raises
    :class:`~wecom_suite.stores.sealing.SealError`."""

    def __init__(self, inner: Tokens, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def get_token(self, key: str) -> StoredToken | None:
        found = self.inner.get_token(key)
        if found is None:
            return None
        try:
            return replace(found, token=self.sealer.open_text(found.token, TOKEN_PART, key))
        except UnknownKey as exc:
            logger.warning("token %s was sealed under key %s, which is not configured: fetching a new one", key,
                           exc.key_id)
            return None

    def set_token(self, key: str, token: StoredToken) -> None:
        self.inner.set_token(key, replace(token, token=self.sealer.seal_text(token.token, TOKEN_PART, key)))

    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        if only_if is None:
            return self.inner.delete_token(key)
        # The stored ciphertext differs from any new sealing of only_if (random nonce): compare the
        # plaintext here, then let the backend compare-and-delete the exact ciphertext it holds, so a
        # fresher token written meanwhile still survives.
        stored = self.inner.get_token(key)
        if stored is None:
            return False
        try:
            plain = self.sealer.open_text(stored.token, TOKEN_PART, key)
        except UnknownKey:
            return False  # it cannot equal a token this process saw
        if plain != only_if:
            return False
        return self.inner.delete_token(key, only_if=stored.token)


class SealedCompanies:
    """The company registry with each ``permanent_code`` (永久授权码) sealed to suite id + corp id."""

    def __init__(self, inner: Companies, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def _open(self, record: CompanyRecord) -> CompanyRecord:
        code = self.sealer.open_text(record.permanent_code, COMPANY_PART, record.suite_id, record.corp_id)
        return replace(record, permanent_code=code)

    def save_company(self, company: CompanyRecord) -> None:
        code = self.sealer.seal_text(company.permanent_code, COMPANY_PART, company.suite_id, company.corp_id)
        self.inner.save_company(replace(company, permanent_code=code))

    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        found = self.inner.get_company(suite_id, corp_id)
        return None if found is None else self._open(found)

    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        return (self._open(record) for record in self.inner.list_companies(suite_id, state=state))

    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        return self.inner.count_companies(suite_id, state=state)


class SealedInbox:
    """The inbox with each payload (decrypted callback XML: suite_tickets, auth codes) sealed to its
    suite id + item id. Everything else (ids, queues, times, errors) stays readable for ordering."""

    def __init__(self, inner: Inbox, sealer: Sealer) -> None:
        self.inner = inner
        self.sealer = sealer

    def _open(self, item: InboxItem) -> InboxItem:
        if not item.payload:  # DONE items lose their payload
            return item
        return replace(item, payload=self.sealer.open(item.payload, INBOX_PART, item.suite_id, item.id))

    def _open_claim(self, claim: InboxClaim | None) -> InboxClaim | None:
        return None if claim is None else InboxClaim(self._open(claim.item), claim.owner, claim.leased_until)

    def put(self, item: InboxItem) -> bool:
        payload = self.sealer.seal(item.payload, INBOX_PART, item.suite_id, item.id)
        return self.inner.put(replace(item, payload=payload))

    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        return self._open_claim(self.inner.claim(suite_id, now=now, lease_seconds=lease_seconds))

    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        return self._open_claim(self.inner.renew(claim, now=now, lease_seconds=lease_seconds))

    def complete(self, item_id: str, *, now: float) -> None:
        self.inner.complete(item_id, now=now)

    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        self.inner.retry_later(item_id, not_before=not_before, error=error, count_attempt=count_attempt)

    def bury(self, item_id: str, *, now: float, error: str) -> None:
        self.inner.bury(item_id, now=now, error=error)

    def revive(self, item_id: str, *, now: float) -> bool:
        return self.inner.revive(item_id, now=now)

    def drop(self, item_id: str) -> bool:
        return self.inner.drop(item_id)

    def get_item(self, item_id: str) -> InboxItem | None:
        found = self.inner.get_item(item_id)
        return None if found is None else self._open(found)

    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        return (self._open(item) for item in self.inner.list_items(suite_id, state=state, limit=limit, queue=queue))

    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        return self.inner.purge(finished_before=finished_before, limit=limit)

    def stats(self, suite_id: str) -> InboxStats:
        return self.inner.stats(suite_id)


def seal_store(store: Store, secrets: Sequence[str] | Sealer) -> Store:
    """``store`` with its secret-bearing parts sealed under ``secrets`` (``secret_key`` values, current
    first) or a ready :class:`~wecom_suite.stores.sealing.Sealer`; leases and install states are kept.

    With no secrets nothing is sealed, but a sealed value still raises instead of reading as plain.
    Closing the result closes ``store``. Raises ValueError for a secret under 32 characters.
    """
    sealer = secrets if isinstance(secrets, Sealer) else Sealer(secrets)
    return Store(
        tickets=SealedTickets(store.tickets, sealer),
        tokens=SealedTokens(store.tokens, sealer),
        leases=store.leases,
        companies=SealedCompanies(store.companies, sealer),
        inbox=SealedInbox(store.inbox, sealer),
        install_states=store.install_states,
        url=store.url,
        closers=(store.close,),
    )


def unsealed(store: Store) -> Store:
    """The store under :func:`seal_store`'s wrappers (itself when it is not sealed), for ``store rekey``
    and for tests that look at what a backend holds. Closing it closes nothing."""
    t, k, c, i = store.tickets, store.tokens, store.companies, store.inbox
    if not any(isinstance(p, (SealedTickets, SealedTokens, SealedCompanies, SealedInbox)) for p in (t, k, c, i)):
        return store
    return Store(
        tickets=t.inner if isinstance(t, SealedTickets) else t,
        tokens=k.inner if isinstance(k, SealedTokens) else k,
        leases=store.leases,
        companies=c.inner if isinstance(c, SealedCompanies) else c,
        inbox=i.inner if isinstance(i, SealedInbox) else i,
        install_states=store.install_states,
        url=store.url,
    )


_warned = False


def warn_if_plain(store: Store) -> bool:
    """Log one WARNING per process when ``store`` keeps secrets in plain text; True if it does.

    A ``memory://`` store is plain too, but holds nothing at rest (it dies with the process): no warning."""
    global _warned
    companies = store.companies
    plain = not (isinstance(companies, SealedCompanies) and companies.sealer.enabled)
    if plain and not _warned and not store.url.startswith("memory:"):
        _warned = True
        logger.warning(
            "secrets are stored in plain text; set WECOM_SECRET_KEY (e.g. `openssl rand -hex 32`) to seal "
            "permanent codes, tokens, suite_tickets and callback payloads at rest (docs/deployment.md)"
        )
    return plain
