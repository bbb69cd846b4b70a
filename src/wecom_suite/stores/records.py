"""Value types the stores keep. Plain frozen dataclasses: cheap, hashable, easy to serialise."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..redaction import redact

__all__ = [
    "SUITE_TICKET_VALIDITY",
    "CompanyRecord",
    "CompanyState",
    "InboxItem",
    "Lease",
    "StoredToken",
    "SuiteTicket",
]

SUITE_TICKET_VALIDITY = 1800.0  # seconds; WeCom pushes every 600 s, each ticket valid 30 min


@dataclass(frozen=True, slots=True)
class SuiteTicket:
    """The newest ``suite_ticket`` (第三方应用票据) of one suite and when it arrived."""

    suite_id: str
    ticket: str = field(repr=False)
    received_at: float

    def age(self, now: float) -> float:
        return now - self.received_at

    def is_expired(self, now: float, validity: float = SUITE_TICKET_VALIDITY) -> bool:
        return now - self.received_at >= validity

    def __repr__(self) -> str:
        return f"SuiteTicket(suite_id={self.suite_id!r}, ticket={redact(self.ticket)}, received_at={self.received_at})"


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A cached credential: suite/provider/corp access token, jsapi ticket, ..."""

    token: str = field(repr=False)
    expires_at: float
    obtained_at: float

    def __repr__(self) -> str:
        return f"StoredToken(token={redact(self.token)}, expires_at={self.expires_at}, obtained_at={self.obtained_at})"


@dataclass(frozen=True, slots=True)
class Lease:
    """Proof of holding a named lock until ``expires_at``; only its owner can release it."""

    name: str
    owner: str
    expires_at: float


class CompanyState(str, Enum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """An authorising company (授权企业) of one suite, with its permanent code (永久授权码).

    ``auth_info`` keeps WeCom's whole JSON answer (get_permanent_code / get_auth_info) minus the
    permanent code and access token, so nothing WeCom sent is lost.
    """

    suite_id: str
    corp_id: str
    permanent_code: str = field(repr=False)
    corp_name: str = ""
    auth_info: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    state: CompanyState = CompanyState.ACTIVE
    installed_at: float = 0.0
    updated_at: float = 0.0
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.state is CompanyState.ACTIVE

    def __repr__(self) -> str:
        return (
            f"CompanyRecord(suite_id={self.suite_id!r}, corp_id={self.corp_id!r}, corp_name={self.corp_name!r}, "
            f"permanent_code={redact(self.permanent_code)}, state={self.state.value!r})"
        )


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A durably recorded callback waiting to be processed (or being processed under a lease)."""

    id: str  # the content digest: identical deliveries share it, so they are recorded once
    suite_id: str
    payload: bytes = field(repr=False)  # the decrypted plaintext XML
    received_at: float
    attempts: int = 0
    not_before: float = 0.0
    last_error: str = ""
