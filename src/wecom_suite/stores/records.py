"""Value types the stores keep. Plain frozen dataclasses: cheap, hashable, easy to serialise."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..redaction import redact

__all__ = [
    "SUITE_QUEUE",
    "SUITE_TICKET_VALIDITY",
    "CallbackSource",
    "CompanyRecord",
    "CompanyState",
    "InboxClaim",
    "InboxItem",
    "InboxStats",
    "ItemState",
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
    # WeCom's TimeStamp of the newest authorisation event (create_auth, cancel_auth, ...) applied to this record:
    # an older event processed late (a cancel_auth after the reinstall that followed it) must not undo a newer one.
    auth_event_time: int = 0

    @property
    def active(self) -> bool:
        return self.state is CompanyState.ACTIVE

    def __repr__(self) -> str:
        return (
            f"CompanyRecord(suite_id={self.suite_id!r}, corp_id={self.corp_id!r}, corp_name={self.corp_name!r}, "
            f"permanent_code={redact(self.permanent_code)}, state={self.state.value!r})"
        )


class ItemState(str, Enum):
    """Where an inbox item is in its life: waiting (or being processed), finished, or given up on."""

    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class CallbackSource(str, Enum):
    """Which callback URL an item arrived on (it decides the receive id and the default handling)."""

    INSTRUCTION = "instruction"  # 指令回调URL: suite_ticket, authorisation changes, contact changes, ...
    DATA = "data"  # 数据回调URL: messages and events from members of installed companies
    SYSTEM = "system"  # 系统事件接收URL: provider-level events (licences, register_corp, ...)


SUITE_QUEUE = ""  # the ordering queue of suite-level events (suite_ticket, create_auth without a corp id, ...)


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A durably recorded callback: waiting, being processed under a lease, done, or a dead letter.

    Ordering: the items of one ``queue`` (the company's corp id; :data:`SUITE_QUEUE` for suite-level
    events) are handed out one at a time, in WeCom's order: ``event_time`` (the plaintext's
    ``TimeStamp``, Unix seconds), then ``received_at``, then ``id``. Different queues are independent.
    """

    id: str  # the content digest (receive id + plaintext): identical deliveries share it, so they are recorded once
    suite_id: str
    payload: bytes = field(repr=False)  # the decrypted plaintext XML (may hold a suite_ticket or an auth code)
    received_at: float  # Unix seconds, by the recording host's clock
    queue: str = SUITE_QUEUE
    source: CallbackSource = CallbackSource.INSTRUCTION
    event_time: int = 0  # WeCom's TimeStamp inside the plaintext; 0 when it has none
    attempts: int = 0  # failed processing attempts so far
    not_before: float = 0.0  # not handed out before this time (backoff, or a synchronous handler's deadline)
    last_error: str = ""  # the last failure, or why it is a dead letter (no secrets: exception type and message)
    state: ItemState = ItemState.PENDING
    leased_until: float = 0.0  # > now while a worker holds it
    finished_at: float = 0.0  # when it became DONE or DEAD (the purge window counts from here)

    @property
    def order_key(self) -> tuple[int, float, str]:
        """The position in its queue: WeCom's TimeStamp, then arrival, then id."""
        return (self.event_time, self.received_at, self.id)


@dataclass(frozen=True, slots=True)
class InboxClaim:
    """An item handed to one worker, and the proof (``owner``) it needs to renew the lease."""

    item: InboxItem
    owner: str
    leased_until: float


@dataclass(frozen=True, slots=True)
class InboxStats:
    """What an operator (console, metrics, readiness probe) wants to know about one suite's inbox."""

    pending: int  # waiting or being processed
    in_progress: int  # pending items whose lease is held now
    dead: int
    done: int  # finished and still kept for the dedup window
    oldest_pending_at: float | None  # ``received_at`` of the oldest pending item
    queues: int  # distinct queues (companies) with pending items
