"""The store for many hosts: everything in Redis, every read-modify-write atomic (Lua or MULTI).

Leases are ``SET NX PX`` with a random owner token; only that owner can release them (compare-and-delete
in Lua), and a holder that dies simply lets the key expire on the server. Needs the ``redis`` extra.

Key layout (``prefix`` defaults to ``wecom-suite``; ids are escaped where another part follows them)::

    {prefix}:ticket:{suite}                 hash  ticket, received_at
    {prefix}:token:{key}                    hash  token, expires_at, obtained_at   (TTL: expiry + 1 day)
    {prefix}:lease:{name}                   str   owner token                      (PX = the lease)
    {prefix}:company:{suite}:{corp}         str   JSON record
    {prefix}:companies:{suite}[:{state}]    set   corp ids (all / by state)
    {prefix}:inbox:item:{id}                hash  the item + done flag
    {prefix}:inbox:ready:{suite}            zset  pending ids scored by when they may be claimed
    {prefix}:state:{suite}:{state}          hash  data, expires_at                 (TTL: expiry)
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

try:
    import redis
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "RedisStore needs the redis package: pip install 'wecom-suite[redis]'"
    ) from exc

from ..clock import DEFAULT_CLOCK, Clock
from ..errors.store import StoreError
from .records import CompanyRecord, CompanyState, InboxItem, Lease, StoredToken, SuiteTicket
from .ticket_store import checked_ticket
from .url import redact_store_url

__all__ = ["RedisStore"]

P = ParamSpec("P")
R = TypeVar("R")

_GC_GRACE = 86400.0  # keep expired tokens a day for inspection, then let Redis drop them

_SAVE_TICKET = """
local current = redis.call('HGET', KEYS[1], 'received_at')
if current and tonumber(current) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'ticket', ARGV[1], 'received_at', ARGV[2])
return 1
"""
_DELETE_IF = """
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_SAVE_COMPANY = """
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
for i = 3, #KEYS do
  if KEYS[i] == ARGV[3] then redis.call('SADD', KEYS[i], ARGV[2]) else redis.call('SREM', KEYS[i], ARGV[2]) end
end
return 1
"""
_INBOX_PUT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'suite_id', ARGV[1], 'payload', ARGV[2], 'received_at', ARGV[3], 'attempts', ARGV[4],
           'not_before', ARGV[5], 'last_error', ARGV[6], 'done', '0')
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[7])
return 1
"""
_INBOX_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local best, best_at = nil, nil
for _, id in ipairs(ids) do
  local at = tonumber(redis.call('HGET', ARGV[3] .. id, 'received_at'))
  if at and (best == nil or at < best_at or (at == best_at and id < best)) then best, best_at = id, at end
end
if best == nil then return false end
redis.call('ZADD', KEYS[1], ARGV[2], best)
local fields = redis.call('HMGET', ARGV[3] .. best, 'suite_id', 'payload', 'received_at', 'attempts',
                          'not_before', 'last_error')
table.insert(fields, 1, best)
return fields
"""
_INBOX_COMPLETE = """
local suite = redis.call('HGET', KEYS[1], 'suite_id')
if not suite then return 0 end
redis.call('HSET', KEYS[1], 'done', '1', 'payload', '')
redis.call('ZREM', ARGV[1] .. suite, ARGV[2])
return 1
"""
_INBOX_RETRY = """
local suite = redis.call('HGET', KEYS[1], 'suite_id')
if not suite or redis.call('HGET', KEYS[1], 'done') == '1' then return 0 end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'not_before', ARGV[3], 'last_error', ARGV[4])
redis.call('ZADD', ARGV[1] .. suite, ARGV[3], ARGV[2])
return 1
"""


def _part(value: str) -> str:
    """Escape an id that another key part follows, so ``a:b`` + ``c`` never meets ``a`` + ``b:c``."""
    return value.replace("%", "%25").replace(":", "%3A")


def _num(value: float) -> str:
    return repr(float(value))


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn redis-py's errors into :class:`StoreError` with a hint."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except redis.RedisError as exc:
            store = args[0]
            raise StoreError(
                f"Redis store {store!r} failed: {type(exc).__name__}: {exc}",
                hint="check that redis-server is running and reachable at the store URL",
            ) from exc

    return wrapper


class RedisStore:
    """Every store protocol in one Redis database. ``clock`` judges ticket age; leases expire server-side."""

    def __init__(self, url: str, clock: Clock | None = None, *, prefix: str = "wecom-suite") -> None:
        self.url = redact_store_url(url)
        self._clock = clock or DEFAULT_CLOCK
        self._p = prefix
        try:
            self._r: redis.Redis[bytes] = redis.Redis.from_url(url, decode_responses=False)
        except ValueError as exc:
            raise StoreError(f"invalid Redis URL {self.url!r}: {exc}", hint="use redis://host:6379/0") from exc
        register = self._r.register_script
        self._save_ticket = register(_SAVE_TICKET)
        self._delete_if = register(_DELETE_IF)
        self._release = register(_RELEASE)
        self._save_company = register(_SAVE_COMPANY)
        self._inbox_put = register(_INBOX_PUT)
        self._inbox_claim = register(_INBOX_CLAIM)
        self._inbox_complete = register(_INBOX_COMPLETE)
        self._inbox_retry = register(_INBOX_RETRY)

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r})"

    def close(self) -> None:
        self._r.close()

    # -- tickets ---------------------------------------------------------------------------------
    @_translated
    def save_ticket(self, ticket: SuiteTicket) -> None:
        self._save_ticket(keys=[f"{self._p}:ticket:{ticket.suite_id}"], args=[ticket.ticket, _num(ticket.received_at)])

    @_translated
    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        ticket, received_at = self._r.hmget(f"{self._p}:ticket:{suite_id}", ["ticket", "received_at"])
        found = None if ticket is None else SuiteTicket(suite_id, ticket.decode(), float(received_at or 0))
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)

    # -- tokens ----------------------------------------------------------------------------------
    @_translated
    def get_token(self, key: str) -> StoredToken | None:
        token, expires_at, obtained_at = self._r.hmget(f"{self._p}:token:{key}", ["token", "expires_at", "obtained_at"])
        if token is None:
            return None
        return StoredToken(token.decode(), float(expires_at or 0), float(obtained_at or 0))

    @_translated
    def set_token(self, key: str, token: StoredToken) -> None:
        name = f"{self._p}:token:{key}"
        ttl = max(token.expires_at - self._clock.now(), 0.0) + _GC_GRACE
        with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(name)
            pipe.hset(
                name,
                mapping={
                    "token": token.token,
                    "expires_at": _num(token.expires_at),
                    "obtained_at": _num(token.obtained_at),
                },
            )
            pipe.pexpire(name, int(ttl * 1000))
            pipe.execute()

    @_translated
    def delete_token(self, key: str, *, only_if: str | None = None) -> bool:
        name = f"{self._p}:token:{key}"
        if only_if is None:
            return bool(self._r.delete(name))
        return bool(self._delete_if(keys=[name], args=[only_if]))

    # -- leases ----------------------------------------------------------------------------------
    @_translated
    def try_acquire(self, name: str, *, lease_seconds: float) -> Lease | None:
        owner = secrets.token_hex(16)
        millis = max(int(lease_seconds * 1000), 1)
        if not self._r.set(f"{self._p}:lease:{name}", owner, nx=True, px=millis):
            return None
        return Lease(name=name, owner=owner, expires_at=self._clock.now() + lease_seconds)

    @_translated
    def release(self, lease: Lease) -> bool:
        return bool(self._release(keys=[f"{self._p}:lease:{lease.name}"], args=[lease.owner]))

    # -- company registry ------------------------------------------------------------------------
    def _company_key(self, suite_id: str, corp_id: str) -> str:
        return f"{self._p}:company:{_part(suite_id)}:{corp_id}"

    def _index_key(self, suite_id: str, state: CompanyState | None = None) -> str:
        base = f"{self._p}:companies:{_part(suite_id)}"
        return base if state is None else f"{base}:{CompanyState(state).value}"

    @_translated
    def save_company(self, company: CompanyRecord) -> None:
        record = {
            "permanent_code": company.permanent_code,
            "corp_name": company.corp_name,
            "auth_info": company.auth_info,
            "state": company.state.value,
            "installed_at": company.installed_at,
            "updated_at": company.updated_at,
            "revoked_at": company.revoked_at,
        }
        state_keys = [self._index_key(company.suite_id, s) for s in CompanyState]
        self._save_company(
            keys=[self._company_key(company.suite_id, company.corp_id), self._index_key(company.suite_id), *state_keys],
            args=[
                json.dumps(record, ensure_ascii=False),
                company.corp_id,
                self._index_key(company.suite_id, company.state),
            ],
        )

    @staticmethod
    def _company(suite_id: str, corp_id: str, raw: bytes) -> CompanyRecord:
        data: dict[str, Any] = json.loads(raw)
        return CompanyRecord(
            suite_id=suite_id,
            corp_id=corp_id,
            permanent_code=data["permanent_code"],
            corp_name=data["corp_name"],
            auth_info=data["auth_info"],
            state=CompanyState(data["state"]),
            installed_at=data["installed_at"],
            updated_at=data["updated_at"],
            revoked_at=data["revoked_at"],
        )

    @_translated
    def get_company(self, suite_id: str, corp_id: str) -> CompanyRecord | None:
        raw = self._r.get(self._company_key(suite_id, corp_id))
        return None if raw is None else self._company(suite_id, corp_id, raw)

    @_translated
    def list_companies(self, suite_id: str, *, state: CompanyState | None = None) -> Iterator[CompanyRecord]:
        corp_ids = sorted(member.decode() for member in self._r.smembers(self._index_key(suite_id, state)))
        found: list[CompanyRecord] = []
        for start in range(0, len(corp_ids), 500):
            batch = corp_ids[start : start + 500]
            for corp_id, raw in zip(batch, self._r.mget([self._company_key(suite_id, c) for c in batch]), strict=True):
                if raw is not None:
                    found.append(self._company(suite_id, corp_id, raw))
        return iter(found)

    @_translated
    def count_companies(self, suite_id: str, *, state: CompanyState | None = None) -> int:
        return int(self._r.scard(self._index_key(suite_id, state)))

    # -- callback inbox --------------------------------------------------------------------------
    def _item_prefix(self) -> str:
        return f"{self._p}:inbox:item:"

    def _ready_prefix(self) -> str:
        return f"{self._p}:inbox:ready:"

    @_translated
    def put(self, item: InboxItem) -> bool:
        return bool(
            self._inbox_put(
                keys=[self._item_prefix() + item.id, self._ready_prefix() + item.suite_id],
                args=[
                    item.suite_id,
                    item.payload,
                    _num(item.received_at),
                    item.attempts,
                    _num(item.not_before),
                    item.last_error,
                    item.id,
                ],
            )
        )

    @_translated
    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxItem | None:
        row = self._inbox_claim(
            keys=[self._ready_prefix() + suite_id], args=[_num(now), _num(now + lease_seconds), self._item_prefix()]
        )
        if not row:
            return None
        item_id, suite, payload, received_at, attempts, not_before, last_error = row
        return InboxItem(
            id=item_id.decode(),
            suite_id=suite.decode(),
            payload=bytes(payload),
            received_at=float(received_at),
            attempts=int(attempts),
            not_before=float(not_before),
            last_error=last_error.decode(),
        )

    @_translated
    def complete(self, item_id: str) -> None:
        self._inbox_complete(keys=[self._item_prefix() + item_id], args=[self._ready_prefix(), item_id])

    @_translated
    def retry_later(self, item_id: str, *, not_before: float, error: str) -> None:
        self._inbox_retry(
            keys=[self._item_prefix() + item_id], args=[self._ready_prefix(), item_id, _num(not_before), error]
        )

    @_translated
    def pending_count(self, suite_id: str) -> int:
        return int(self._r.zcard(self._ready_prefix() + suite_id))

    # -- install states --------------------------------------------------------------------------
    def _state_key(self, suite_id: str, state: str) -> str:
        return f"{self._p}:state:{_part(suite_id)}:{state}"

    @_translated
    def issue_state(self, state: str, *, expires_at: float, data: str = "", suite_id: str = "") -> None:
        name = self._state_key(suite_id, state)
        ttl = max(expires_at - self._clock.now(), 0.0) + 60.0
        with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(name)
            pipe.hset(name, mapping={"data": data, "expires_at": _num(expires_at)})
            pipe.pexpire(name, int(ttl * 1000))
            pipe.execute()

    @_translated
    def consume_state(self, state: str, *, now: float, suite_id: str = "") -> str | None:
        name = self._state_key(suite_id, state)
        with self._r.pipeline(transaction=True) as pipe:
            pipe.hmget(name, ["data", "expires_at"])
            pipe.delete(name)
            (data, expires_at), _ = pipe.execute()
        if data is None or float(expires_at) <= now:
            return None
        return str(data.decode())
