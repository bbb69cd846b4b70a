"""What a suite does by default when WeCom tells it that its state changed (授权生命周期).

These run from the inbox worker, after ``success`` was answered, and before the user's own
handlers. Each one is idempotent, because an item may be processed again after a crash between
"done" and "marked complete": tickets keep the newest, auth codes are redeemed once, and the
company record is simply rewritten.

Authorisation events of one company can be processed out of WeCom's order (a ``create_auth`` carries
no corp id, so it has a queue of its own): each record keeps the ``TimeStamp`` of the newest event
applied to it, and an older event processed late changes nothing. An event for a company that is not
in the registry yet waits (:class:`~wecom_suite.errors.NotReadyYet`): its install may be in flight.
See docs/delivery.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from ..api.client_core import is_customized_app
from ..clock import DEFAULT_CLOCK, Clock
from ..errors import AuthorizationRevoked, DeadLetterReason, NotReadyYet
from ..events import (
    CancelAuthEvent,
    ChangeAuthEvent,
    ChangeEditionEvent,
    CreateAuthEvent,
    Event,
    ResetPermanentCodeEvent,
    SuiteTicketEvent,
)
from ..stores.records import CompanyRecord, CompanyState, SuiteTicket
from ..stores.store import Store
from ..stores.token_keys import agent_ticket_key, corp_token_key, jsapi_ticket_key
from .auth_code_redemption import AuthCodeRedemption

__all__ = ["PermanentCodeApi", "SuiteLifecycle", "company_from_permanent_code"]

logger = logging.getLogger("wecom_suite.lifecycle")

# Keys of WeCom's answers that are credentials: kept in their own column (or not at all), never in auth_info.
_SECRET_KEYS = frozenset({"permanent_code", "access_token", "expires_in", "errcode", "errmsg"})


class PermanentCodeApi(Protocol):
    """The service APIs the lifecycle calls (``SuiteClient`` has them)."""

    def get_permanent_code_v2(self, auth_code: str) -> Any: ...

    def get_auth_info(self, corp_id: str, permanent_code: str) -> Any: ...

    def get_auth_info_v2(self, corp_id: str, permanent_code: str) -> Any: ...


def as_json_dict(answer: Any) -> dict[str, Any]:
    """A model or a mapping from the API client as a plain JSON dict, with WeCom's field names."""
    if isinstance(answer, Mapping):
        return dict(answer)
    dump: Callable[..., dict[str, Any]] | None = getattr(answer, "model_dump", None)
    if dump is None:
        raise TypeError(f"cannot read {type(answer).__name__} as WeCom JSON")
    return dump(by_alias=True, mode="json", exclude_none=True)


def _auth_info_of(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _SECRET_KEYS}


def company_from_permanent_code(suite_id: str, answer: Any, *, now: float, event_time: int = 0) -> CompanyRecord:
    """A registry record from get_permanent_code's answer (v1 or v2; permanent code apart, everything kept)."""
    data = as_json_dict(answer)
    corp = data.get("auth_corp_info") or {}
    corp_id = str(corp.get("corpid") or "")
    permanent_code = str(data.get("permanent_code") or "")
    if not corp_id or not permanent_code:
        raise ValueError("get_permanent_code answered without auth_corp_info.corpid or permanent_code")
    return CompanyRecord(
        suite_id=suite_id,
        corp_id=corp_id,
        permanent_code=permanent_code,
        corp_name=str(corp.get("corp_name") or ""),
        auth_info=_auth_info_of(data),
        state=CompanyState.ACTIVE,
        installed_at=now,
        updated_at=now,
        auth_event_time=event_time or int(now),
    )


class SuiteLifecycle:
    """Keeps the store in step with WeCom: tickets, installs, changes, cancellations, code resets."""

    _tickets_stored = 0  # suite_tickets stored by this object: the first is logged at INFO, the rest at DEBUG

    def __init__(
        self,
        suite_id: str,
        store: Store,
        api: PermanentCodeApi,
        *,
        clock: Clock | None = None,
        company_wait_retry: float = 5.0,
    ) -> None:
        self.suite_id = suite_id
        self._store = store
        self._api = api
        self._clock = clock or DEFAULT_CLOCK
        self._company_wait_retry = company_wait_retry
        self.redemption = AuthCodeRedemption(store, suite_id, self.exchange_auth_code, clock=self._clock)

    # -- entry point --------------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Run the default handling for ``event`` (other event types need none)."""
        if event.suite_id and event.suite_id != self.suite_id:
            logger.warning("suite %s: ignoring %s for another suite %s", self.suite_id, event.info_type, event.suite_id)
            return
        if isinstance(event, SuiteTicketEvent):
            self.store_ticket(event, announce=False)  # stored and announced already when it was received
        elif isinstance(event, CreateAuthEvent):
            self.on_create_auth(event)
        elif isinstance(event, ChangeAuthEvent):
            self.on_change_auth(event)
        elif isinstance(event, CancelAuthEvent):
            self.on_cancel_auth(event)
        elif isinstance(event, ResetPermanentCodeEvent):
            self.on_reset_permanent_code(event)
        elif isinstance(event, ChangeEditionEvent):
            self.on_change_edition(event)

    # -- the lifecycle ------------------------------------------------------------------------------

    def store_ticket(self, event: SuiteTicketEvent, *, announce: bool = True) -> bool:
        """Keep the pushed suite_ticket (newest wins); False when it is not this suite's.

        The first one a process stores is logged at INFO, unless ``announce`` is off: the inbox worker
        stores the ticket again (idempotent), perhaps in another process than the one that received it
        and said so already.
        """
        if event.suite_id != self.suite_id or not event.suite_ticket:
            logger.warning("suite %s: ignoring a suite_ticket for suite %r", self.suite_id, event.suite_id)
            return False
        # Dated by WeCom's TimeStamp (when it was issued), not by arrival: a late redelivery of an old
        # ticket then neither displaces a newer one nor looks fresher than it is.
        now = self._clock.now()
        issued = float(event.timestamp) if 0 < event.timestamp <= now else now
        self._store.tickets.save_ticket(
            SuiteTicket(suite_id=self.suite_id, ticket=event.suite_ticket, received_at=issued)
        )
        self._tickets_stored += announce  # one every 10 minutes, forever: say it once at INFO
        first = announce and self._tickets_stored == 1
        logger.log(logging.INFO if first else logging.DEBUG, "suite %s: suite_ticket stored%s",
                   self.suite_id, " (later ones are logged at DEBUG)" if first else "")
        return True

    def on_create_auth(self, event: CreateAuthEvent) -> CompanyRecord:
        company, exchanged = self.redemption.redeem(event.auth_code, event_time=event.timestamp, state=event.state)
        if not exchanged:
            logger.info("suite %s: create_auth for %s already handled", self.suite_id, company.corp_id)
        return self.complete_install(company)

    def on_reset_permanent_code(self, event: ResetPermanentCodeEvent) -> CompanyRecord:
        company, _ = self.redemption.redeem(event.auth_code, event_time=event.timestamp)
        return self.complete_install(company)

    def complete_install(self, company: CompanyRecord) -> CompanyRecord:
        """After the durable write of the permanent code: the full auth info (edition, agents), once.

        v2 get_permanent_code answers only the essentials; a retry after a failure here finds the company
        saved and just tries this again."""
        if "auth_info" in company.auth_info:
            return company
        return self._refresh_auth_info(company, "installed")

    def on_change_auth(self, event: ChangeAuthEvent) -> CompanyRecord | None:
        """No diff is sent with change_auth: ask WeCom for the whole auth info again."""
        record = self._known_company(event)
        if record is None:
            return None
        if not record.active:
            logger.warning("suite %s: change_auth for %s, which has cancelled; ignored", self.suite_id, record.corp_id)
            return None
        try:
            return self._refresh_auth_info(
                replace(record, auth_event_time=max(record.auth_event_time, event.timestamp)),
                "auth info refreshed (change_auth)",
            )
        except AuthorizationRevoked:  # cancelled since: its cancel_auth follows in the same queue
            logger.info("suite %s: change_auth for %s, whose authorisation WeCom no longer accepts; skipped",
                        self.suite_id, record.corp_id)
            return None

    def on_change_edition(self, event: ChangeEditionEvent) -> CompanyRecord | None:
        """change_editon (版本变更): the edition_info inside get_auth_info's answer changed; store it."""
        record = self._known_company(event)
        if record is None or not record.active:
            return None
        return self._refresh_auth_info(record, "edition info refreshed (change_editon)")

    def on_cancel_auth(self, event: CancelAuthEvent) -> CompanyRecord | None:
        """The permanent code is dead: mark the company revoked and forget its tokens."""
        record = self._known_company(event)
        if record is None:
            return None
        self.drop_tokens(record)
        if not record.active:
            return record
        now = self._clock.now()
        revoked = replace(
            record, state=CompanyState.REVOKED, revoked_at=now, updated_at=now, auth_event_time=event.timestamp
        )
        self._store.companies.save_company(revoked)
        logger.info("suite %s: %s cancelled its authorisation (cancel_auth)", self.suite_id, record.corp_id)
        return revoked

    # -- helpers ------------------------------------------------------------------------------------

    def _known_company(self, event: Event) -> CompanyRecord | None:
        """The company an authorisation event is about; None when the event is older than what the record
        reflects (processed late: ignored). Raises NotReadyYet while the company is not installed here."""
        corp_id = event.auth_corp_id
        record = self._store.companies.get_company(self.suite_id, corp_id)
        if record is None:
            raise NotReadyYet(
                f"{event.info_type} for company {corp_id}, which is not in the registry (yet)",
                retry_in=self._company_wait_retry,
                give_up_reason=DeadLetterReason.UNKNOWN_COMPANY,
            )
        if event.timestamp and record.auth_event_time > event.timestamp:
            logger.info("suite %s: %s for %s is older than the last change applied to it; ignored",
                        self.suite_id, event.info_type, corp_id)
            return None
        return record

    def _refresh_auth_info(self, record: CompanyRecord, what: str) -> CompanyRecord:
        """get_auth_info, stored. A 代开发 company is asked with ``service/v2/get_auth_info``, the one its
        section documents (https://developer.work.weixin.qq.com/document/path/100795); a third-party
        app's with ``service/get_auth_info``, still its documented call
        (https://developer.work.weixin.qq.com/document/path/90604)."""
        fetch = self._api.get_auth_info_v2 if is_customized_app(record) else self._api.get_auth_info
        data = as_json_dict(fetch(record.corp_id, record.permanent_code))
        corp = data.get("auth_corp_info") or {}
        updated = replace(
            record,
            auth_info={**record.auth_info, **_auth_info_of(data)},
            corp_name=str(corp.get("corp_name") or record.corp_name),
            updated_at=self._clock.now(),
        )
        self._store.companies.save_company(updated)
        logger.info("suite %s: company %s (%s): %s", self.suite_id, record.corp_id, updated.corp_name, what)
        return updated

    def exchange_auth_code(self, auth_code: str, event_time: int = 0) -> CompanyRecord:
        """service/v2/get_permanent_code, then one durable write of the company (called once per auth_code).

        The answer holds a credential WeCom gives only once: nothing else happens before it is stored.
        Old tokens (of a previous permanent code) are dropped after the write."""
        answer = self._api.get_permanent_code_v2(auth_code)
        company = company_from_permanent_code(self.suite_id, answer, now=self._clock.now(), event_time=event_time)
        self._store.companies.save_company(company)
        logger.info("suite %s: company %s (%s) stored its permanent code", self.suite_id, company.corp_id,
                    company.corp_name)
        self.drop_tokens(company)
        return company

    def drop_tokens(self, record: CompanyRecord) -> None:
        keys = [corp_token_key(self.suite_id, record.corp_id), jsapi_ticket_key(self.suite_id, record.corp_id)]
        agents = (record.auth_info.get("auth_info") or {}).get("agent") or []
        for agent in agents:
            if isinstance(agent, Mapping) and agent.get("agentid") is not None:
                keys.append(agent_ticket_key(self.suite_id, record.corp_id, int(agent["agentid"])))
        for key in keys:
            self._store.tokens.delete_token(key)
