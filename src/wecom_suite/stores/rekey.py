"""Re-seal every secret a store holds under the current key (``wecom-suite store rekey``).

After a key rotation (``WECOM_SECRET_KEY="new,old"``) values sealed under the old key still read;
this walks the suites' rows and seals each value that is plain or under an older key with the
current key, so the old key can then be removed from the list.

What it walks, for each configured suite: its suite_ticket; its companies (every state) and their
permanent codes; the tokens whose keys it can name (suite token, provider token, and per company:
corp token, jsapi ticket, agent tickets of the agents in ``auth_info``); its pending and dead inbox
items. The inbox has no way to rewrite a payload in place, so inbox items under an old key are only
counted: pending ones are processed (and lose their payload) within minutes; dead letters keep the
old key needed until an operator revives or drops them (``wecom-suite inbox``).

A company record changed by the service between the read and the write is left alone (whoever
changed it sealed it under the current key). Tokens that no configured key opens are deleted
(compare-and-delete): they are a cache and are fetched again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..errors.store import TicketNotFound
from .records import CompanyRecord, ItemState
from .sealed import COMPANY_PART, INBOX_PART, TICKET_PART, TOKEN_PART, unsealed
from .sealing import Sealer, SealError, UnknownKey, is_sealed
from .store import Store
from .token_keys import agent_ticket_key, corp_token_key, jsapi_ticket_key, provider_token_key, suite_token_key

__all__ = ["RekeyReport", "company_token_keys", "rekey_store"]

_INBOX_LIMIT = 1_000_000  # items per suite and state; far above any inbox that is being drained


@dataclass
class RekeyReport:
    """What ``rekey_store`` did, per part (``suite_ticket``, ``permanent_code``, ``token``, ``inbox payload``).

    ``resealed``: rewritten under the current key; ``current``: already under it; ``left``: still
    plain or under an older key (see ``problems``); ``dropped``: tokens no configured key opens,
    deleted. ``problems`` name places (part and ids), never values.
    """

    key_id: str
    resealed: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every value walked is sealed under the current key: older keys can be removed."""
        return not any(self.left.values())

    def _count(self, which: dict[str, int], part: str) -> None:
        which[part] = which.get(part, 0) + 1

    def _left(self, part: str, problem: str) -> None:
        self._count(self.left, part)
        self.problems.append(problem)


def company_token_keys(suite_id: str, record: CompanyRecord) -> list[str]:
    """The token keys a company can have under one suite: corp token, jsapi ticket, one agent ticket per agent."""
    keys = [corp_token_key(suite_id, record.corp_id), jsapi_ticket_key(suite_id, record.corp_id)]
    agents = (record.auth_info.get("auth_info") or {}).get("agent") or []
    for agent in agents:
        if isinstance(agent, Mapping) and agent.get("agentid") is not None:
            keys.append(agent_ticket_key(suite_id, record.corp_id, int(agent["agentid"])))
    return keys


def rekey_store(
    store: Store, sealer: Sealer, suite_ids: Sequence[str], *, provider_corp_ids: Iterable[str] = ()
) -> RekeyReport:
    """Seal every value of ``suite_ids`` under ``sealer``'s current key; see the module doc for what is walked.

    ``store`` may be sealed or not (its backend is used either way). Raises ValueError when ``sealer``
    has no key; a value that fails authentication is reported in ``problems`` and left as it is.
    """
    if sealer.key_id is None:
        raise ValueError("rekey needs a current key: set WECOM_SECRET_KEY")
    raw = unsealed(store)
    report = RekeyReport(sealer.key_id)
    token_keys: list[str] = [provider_token_key(p) for p in dict.fromkeys(provider_corp_ids) if p]
    for suite_id in dict.fromkeys(suite_ids):
        _rekey_ticket(raw, sealer, suite_id, report)
        token_keys.append(suite_token_key(suite_id))
        for record in _rekey_companies(raw, sealer, suite_id, report):
            token_keys.extend(company_token_keys(suite_id, record))
        _count_inbox(raw, sealer, suite_id, report)
    for key in dict.fromkeys(token_keys):
        _rekey_token(raw, sealer, key, report)
    return report


def _rekey_ticket(raw: Store, sealer: Sealer, suite_id: str, report: RekeyReport) -> None:
    try:
        ticket = raw.tickets.get_ticket(suite_id, allow_expired=True)
    except TicketNotFound:
        return
    if sealer.is_current(ticket.ticket):
        report._count(report.current, TICKET_PART)
        return
    try:
        plain = sealer.open_text(ticket.ticket, TICKET_PART, suite_id)
    except SealError as exc:
        report._left(TICKET_PART, f"{TICKET_PART} of suite {suite_id}: {exc}")
        return
    raw.tickets.save_ticket(replace(ticket, ticket=sealer.seal_text(plain, TICKET_PART, suite_id)))
    if sealer.is_current(raw.tickets.get_ticket(suite_id, allow_expired=True).ticket):
        report._count(report.resealed, TICKET_PART)
    else:
        report._left(TICKET_PART, f"{TICKET_PART} of suite {suite_id}: the store kept the old value")


def _rekey_companies(raw: Store, sealer: Sealer, suite_id: str, report: RekeyReport) -> Iterator[CompanyRecord]:
    for record in list(raw.companies.list_companies(suite_id)):
        yield record
        where = f"{COMPANY_PART} of company {record.corp_id} (suite {suite_id})"
        if sealer.is_current(record.permanent_code):
            report._count(report.current, COMPANY_PART)
            continue
        try:
            plain = sealer.open_text(record.permanent_code, COMPANY_PART, suite_id, record.corp_id)
        except SealError as exc:
            report._left(COMPANY_PART, f"{where}: {exc}")
            continue
        fresh = raw.companies.get_company(suite_id, record.corp_id)
        if fresh is None or fresh != record or fresh.auth_info != record.auth_info:
            # Changed since the list was read: the writer sealed it under the current key, or deleted it.
            if fresh is not None and not sealer.is_current(fresh.permanent_code):
                report._left(COMPANY_PART, f"{where}: changed while rekeying; run rekey again")
            continue
        code = sealer.seal_text(plain, COMPANY_PART, suite_id, record.corp_id)
        raw.companies.save_company(replace(record, permanent_code=code))
        report._count(report.resealed, COMPANY_PART)


def _rekey_token(raw: Store, sealer: Sealer, key: str, report: RekeyReport) -> None:
    stored = raw.tokens.get_token(key)
    if stored is None:
        return
    if sealer.is_current(stored.token):
        report._count(report.current, TOKEN_PART)
        return
    try:
        plain = sealer.open_text(stored.token, TOKEN_PART, key)
    except UnknownKey:
        raw.tokens.delete_token(key, only_if=stored.token)  # a cache nobody can read: fetched again
        report._count(report.dropped, TOKEN_PART)
        return
    except SealError as exc:
        report._left(TOKEN_PART, f"{TOKEN_PART} {key}: {exc}")
        return
    # A refresher may write a fresher token meanwhile; the one written here is still one WeCom issued,
    # valid until its own expires_at, so the race costs at most an early refresh.
    raw.tokens.set_token(key, replace(stored, token=sealer.seal_text(plain, TOKEN_PART, key)))
    report._count(report.resealed, TOKEN_PART)


def _count_inbox(raw: Store, sealer: Sealer, suite_id: str, report: RekeyReport) -> None:
    for state in (ItemState.PENDING, ItemState.DEAD):
        for item in raw.inbox.list_items(suite_id, state=state, limit=_INBOX_LIMIT):
            if not item.payload:
                continue
            if sealer.is_current(item.payload):
                report._count(report.current, INBOX_PART)
                continue
            how = "under an older key" if is_sealed(item.payload) else "in plain text"
            advice = "processed soon" if state is ItemState.PENDING else "revive or drop it (wecom-suite inbox)"
            report._left(INBOX_PART, f"{state.value} callback {item.id[:12]} (suite {suite_id}) is {how}: {advice}")
