"""What the sync and async clients share besides the call flow: configuration, where credentials
come from (the store), and the token-fetch calls. Nothing here sends a request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, Union

from ..clock import Clock
from ..errors import CompanyNotFound, ConfigError
from ..redaction import redact, redact_url
from ..stores.client_store import ClientStore
from ..stores.records import CompanyRecord
from ..stores.token_keys import agent_ticket_key, corp_token_key, jsapi_ticket_key, provider_token_key, suite_token_key
from ..tokens.grant import TokenGrant
from ..tokens.policy import RefreshPolicy
from .corp_calls import CorpCalls
from .endpoint_spec import ApiCall, TokenKind, TokenRef
from .models import CorpAccessTokenInfo, JsapiTicket, ProviderAccessToken, SuiteAccessToken
from .retry_policy import RetryPolicy
from .suite_calls import SuiteCalls

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "ClientCore",
    "ClientStore",
    "CredentialRef",
    "ManagerTable",
    "TicketRef",
    "grant_of",
]

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"
DEFAULT_TIMEOUT = 10.0  # seconds; below the token lease (30 s) so a stuck fetch never outlives its lease

M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class TicketRef:
    """A company's JS-SDK ticket: its ``jsapi_ticket`` (``agent_id`` None) or one agent's
    ``agent_config`` ticket. Cached like tokens: WeCom allows only 400 (100) fetches an hour."""

    corp_id: str
    agent_id: int | None = None


CredentialRef = Union[TokenRef, TicketRef]
Credential = Union[SuiteAccessToken, ProviderAccessToken, CorpAccessTokenInfo, JsapiTicket]


def grant_of(answer: Credential) -> TokenGrant:
    """The token inside a token/ticket answer, for the token managers."""
    if isinstance(answer, SuiteAccessToken):
        token = answer.suite_access_token
    elif isinstance(answer, ProviderAccessToken):
        token = answer.provider_access_token
    elif isinstance(answer, CorpAccessTokenInfo):
        token = answer.access_token
    else:
        token = answer.ticket
    return TokenGrant(token, float(answer.expires_in or 7200))


class ClientCore:
    """Settings + store lookups for one suite. Both shells hold one and differ only in I/O."""

    def __init__(
        self,
        suite_id: str,
        suite_secret: str,
        *,
        store: ClientStore,
        provider_corp_id: str | None,
        provider_secret: str | None,
        base_url: str,
        timeout: float,
        clock: Clock | None,
        retry: RetryPolicy | None,
        token_policy: RefreshPolicy | None,
    ) -> None:
        if timeout <= 0:
            raise ConfigError("timeout", "must be a positive number of seconds")
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError("base_url", f"must be an http(s) URL, got {redact_url(base_url)!r}")
        self.calls = SuiteCalls(
            suite_id, suite_secret, provider_corp_id=provider_corp_id, provider_secret=provider_secret
        )
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.token_policy = token_policy

    @property
    def suite_id(self) -> str:
        return self.calls.suite_id

    def describe(self, cls: str) -> str:
        return (
            f"{cls}(suite_id={self.suite_id!r}, suite_secret={redact(self.calls.suite_secret)}, "
            f"provider_corp_id={self.calls.provider_corp_id!r}, base_url={self.base_url!r})"
        )

    # -- token-fetch calls (they read the store, which is synchronous for both shells) ----------
    def suite_token_call(self) -> ApiCall[SuiteAccessToken]:
        """get_suite_token with the newest suite_ticket (TicketNotFound/TicketExpired if none)."""
        return self.calls.get_suite_token(self.store.tickets.get_ticket(self.suite_id).ticket)

    def provider_token_call(self) -> ApiCall[ProviderAccessToken]:
        return self.calls.get_provider_token()

    def company(self, corp_id: str) -> CompanyRecord:
        """The installed company (its permanent code); CompanyNotFound if absent or revoked."""
        record = self.store.companies.get_company(self.suite_id, corp_id)
        if record is None:
            raise CompanyNotFound(self.suite_id, corp_id)
        if not record.active:
            raise CompanyNotFound(self.suite_id, corp_id, revoked=True)
        return record

    def corp_token_call(self, corp_id: str) -> ApiCall[CorpAccessTokenInfo]:
        """get_corp_token, or ``gettoken`` for a 代开发 app (whose permanent code is the app secret)."""
        record = self.company(corp_id)
        if is_customized_app(record):
            return self.calls.get_customized_corp_token(corp_id, record.permanent_code)
        return self.calls.get_corp_token(corp_id, record.permanent_code)

    def fetch_call(self, ref: CredentialRef) -> ApiCall[Credential]:
        """The call that fetches a new credential for ``ref`` (what its manager's ``fetch`` runs)."""
        if isinstance(ref, TicketRef):
            calls = CorpCalls(ref.corp_id)
            return calls.get_jsapi_ticket() if ref.agent_id is None else calls.get_agent_config_ticket()
        if ref.kind is TokenKind.SUITE:
            return self.suite_token_call()
        if ref.kind is TokenKind.PROVIDER:
            return self.provider_token_call()
        return self.corp_token_call(ref.corp_id)

    def store_key(self, ref: CredentialRef) -> str:
        if isinstance(ref, TicketRef):
            if ref.agent_id is None:
                return jsapi_ticket_key(self.suite_id, ref.corp_id)
            return agent_ticket_key(self.suite_id, ref.corp_id, ref.agent_id)
        if ref.kind is TokenKind.SUITE:
            return suite_token_key(self.suite_id)
        if ref.kind is TokenKind.PROVIDER:
            if not self.calls.provider_corp_id:
                raise ConfigError("provider_secret", "provider APIs need provider_corp_id and provider_secret")
            return provider_token_key(self.calls.provider_corp_id)
        if ref.kind is TokenKind.CORP:
            return corp_token_key(self.suite_id, ref.corp_id)
        raise ValueError(f"{ref.kind} has no token")


def is_customized_suite(suite_id: str) -> bool:
    """True for a 代开发 template's id: WeCom gives templates ``dk…`` ids, third-party apps ``ww…``/``wx…``
    (old suites ``tj…``). https://developer.work.weixin.qq.com/document/path/97162"""
    return suite_id.startswith("dk")


def is_customized_app(record: CompanyRecord) -> bool:
    """True when the company runs a 代开发 app, whose permanent code is the app secret (``gettoken``).

    Known from the first save on: the record's suite is the 代开发 template (its ``dk…`` suite_id), so a
    company whose get_auth_info has not been stored yet (v2 get_permanent_code answers no agents) never
    takes the third-party path. The stored auth info (``is_customized_app`` on an agent) also says so."""
    if is_customized_suite(record.suite_id):
        return True
    agents: Any = record.auth_info.get("auth_info", {}).get("agent", []) if record.auth_info else []
    return isinstance(agents, list) and any(isinstance(a, dict) and a.get("is_customized_app") for a in agents)


class ManagerTable(Generic[M]):
    """One token manager per credential, created on first use (a company's on its first call)."""

    def __init__(self, make: Callable[[CredentialRef], M]) -> None:
        self._make = make
        self._managers: dict[CredentialRef, M] = {}

    def get(self, ref: CredentialRef) -> M:
        manager = self._managers.get(ref)
        if manager is None:
            manager = self._managers.setdefault(ref, self._make(ref))
        return manager


