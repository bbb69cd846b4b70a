"""The inbox in Redis: every change is one Lua script in the suite's hash slot, O(log n) in its size.

Keys of one suite (``B`` = ``{prefix}:{<S>}:inbox:``; every one shares the suite's hash tag)::

    B item:<id>     hash  the item's fields, its ``ord`` and its lease ``owner``
    B q:<queue>     zset  the queue's pending items by ``ord`` (all scores 0: ordered by member bytes)
    B ready         zset  ``ord`` of each queue head that is claimable (by ``ord``: the claim order)
    B timer         zset  id of each queue head that is not (yet), scored by when it will be:
                          max(not_before, leased_until, the lease of its queue's holder)
    B pending       zset  ``ord`` of every pending item (list_items, counts)
    B arrived       zset  pending ids by received_at (the oldest pending arrival)
    B leased        zset  pending ids by leased_until (> 0 only; items in progress)
    B queues        set   queues with pending items
    B holder        hash  queue -> the id it last handed out (while that lease runs, the queue waits)
    B done / dead   zset  ``ord`` of finished items (list_items)
    B finished      zset  DONE ids by finished_at (purge)

``ord`` is the item's ``order_key`` as bytes that sort the same way: WeCom's ``event_time`` and then
``received_at`` as 16 hex digits each (order-preserving encodings of a signed integer and a double),
then the id. Every queue has exactly one head, in ``ready`` or in ``timer``; items behind it are in
neither. A claim first moves the heads whose time has come from ``timer`` to ``ready`` (each head moves
once per wait: O(log n) each), then takes the first of ``ready``: no scan of the pending items.

Two keys live outside the suite's slot: ``{prefix}:inbox:where:<id>`` (the item's suite, so that
``get_item(id)`` and ``put``'s dedup across suites need no suite id) and ``{prefix}:inbox:suites`` (the
suites to visit when purging). ``put`` sets the where-key (``SET NX``) before its script; a where-key
left behind by a crash between the two is taken over by the next ``put`` of that id, so a redelivery
is never refused for an item that was not recorded.
"""

from __future__ import annotations

import secrets
import struct
from collections.abc import Iterator
from typing import Any

from ...clock import Clock
from ..records import CallbackSource, InboxClaim, InboxItem, InboxStats, ItemState
from .connection import Connection, as_text, num, translated

__all__ = ["RedisInbox", "order_bytes"]

_MASK64 = (1 << 64) - 1
_ORD_WIDTH = 32  # hex digits before the id


def order_bytes(event_time: int, received_at: float, item_id: str) -> str:
    """``order_key`` as a string whose byte order is the key's order."""
    bits = struct.unpack(">Q", struct.pack(">d", float(received_at) + 0.0))[0]  # + 0.0 turns -0.0 into 0.0
    bits = bits ^ _MASK64 if bits >> 63 else bits | (1 << 63)
    return f"{(int(event_time) + (1 << 63)) & _MASK64:016x}{bits:016x}{item_id}"


_LIB = """
local base = ARGV[1]
local function ikey(id) return base .. 'item:' .. id end
local function qkey(q) return base .. 'q:' .. q end
local function idof(ord) return string.sub(ord, 33) end
local function head_of(q) return redis.call('ZRANGE', qkey(q), 0, 0)[1] end
local function lease_of(id)
  local lu = redis.call('HGET', ikey(id), 'leased_until')
  return lu and tonumber(lu) or 0
end
-- when the queue head may be claimed: its backoff, its own lease, and the lease of the queue's holder
local function due_at(id, q)
  local f = redis.call('HMGET', ikey(id), 'not_before', 'leased_until')
  local at = math.max(tonumber(f[1]), tonumber(f[2]))
  local holder = redis.call('HGET', base .. 'holder', q)
  if holder and holder ~= id then at = math.max(at, lease_of(holder)) end
  return at
end
local function arm(ord, q)
  redis.call('ZADD', base .. 'timer', due_at(idof(ord), q), idof(ord))
end
local function disarm(ord)
  redis.call('ZREM', base .. 'ready', ord)
  redis.call('ZREM', base .. 'timer', idof(ord))
end
local function rearm_head(q)
  local head = head_of(q)
  if head then
    disarm(head)
    arm(head, q)
  end
end
-- the item whose lease holds its queue (claimed last); the others of the queue wait for it
local function hold(id, q, leased_until)
  local holder = redis.call('HGET', base .. 'holder', q)
  if not holder or holder == id or lease_of(holder) < tonumber(leased_until) then
    redis.call('HSET', base .. 'holder', q, id)
  end
end
local function unhold(id, q)
  if redis.call('HGET', base .. 'holder', q) == id then redis.call('HDEL', base .. 'holder', q) end
end
local function join_queue(id, q, ord, received_at, leased_until)
  local old = head_of(q)
  redis.call('ZADD', qkey(q), 0, ord)
  redis.call('ZADD', base .. 'pending', 0, ord)
  redis.call('ZADD', base .. 'arrived', received_at, id)
  redis.call('SADD', base .. 'queues', q)
  if tonumber(leased_until) > 0 then
    redis.call('ZADD', base .. 'leased', leased_until, id)
    hold(id, q, leased_until)
  end
  if head_of(q) == ord then
    if old then disarm(old) end
    arm(ord, q)
  end
end
local function leave_queue(id, q, ord)
  redis.call('ZREM', qkey(q), ord)
  redis.call('ZREM', base .. 'pending', ord)
  redis.call('ZREM', base .. 'arrived', id)
  redis.call('ZREM', base .. 'leased', id)
  disarm(ord)
  unhold(id, q)
  if head_of(q) then rearm_head(q) else redis.call('SREM', base .. 'queues', q) end
end
"""

_PUT = (
    _LIB
    + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
local id, state, ord = ARGV[2], ARGV[3], ARGV[4]
if state == 'pending' then
  join_queue(id, ARGV[5], ord, ARGV[6], ARGV[7])
elseif state == 'done' then
  redis.call('ZADD', base .. 'done', 0, ord)
  redis.call('ZADD', base .. 'finished', ARGV[8], id)
else
  redis.call('ZADD', base .. 'dead', 0, ord)
end
return 1
"""
)

_CLAIM = (
    _LIB
    + """
local now = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', base .. 'timer', '-inf', ARGV[2])
if #due > 0 then
  for _, id in ipairs(due) do redis.call('ZADD', base .. 'ready', 0, redis.call('HGET', ikey(id), 'ord')) end
  redis.call('ZREMRANGEBYSCORE', base .. 'timer', '-inf', ARGV[2])
end
for _ = 1, 1000 do
  local head = redis.call('ZRANGE', base .. 'ready', 0, 0)[1]
  if not head then return false end
  local id = idof(head)
  redis.call('ZREM', base .. 'ready', head)
  local q = redis.call('HGET', ikey(id), 'queue')
  if due_at(id, q) <= now then
    redis.call('HSET', ikey(id), 'leased_until', ARGV[3], 'owner', ARGV[4])
    redis.call('HSET', base .. 'holder', q, id)
    redis.call('ZADD', base .. 'timer', ARGV[3], id)
    redis.call('ZADD', base .. 'leased', ARGV[3], id)
    return redis.call('HGETALL', ikey(id))
  end
  arm(head, q)  -- made ready by a worker whose clock is ahead of this one's: not yet due here
end
return false
"""
)

_RENEW = (
    _LIB
    + """
local f = redis.call('HMGET', KEYS[1], 'state', 'owner', 'leased_until', 'ord', 'queue')
if f[1] ~= 'pending' or f[2] ~= ARGV[3] or tonumber(f[3]) <= tonumber(ARGV[4]) then return false end
redis.call('HSET', KEYS[1], 'leased_until', ARGV[5])
redis.call('ZADD', base .. 'leased', ARGV[5], ARGV[2])
rearm_head(f[5])  -- this item's head (itself, or an earlier one that waits for it)
return redis.call('HGETALL', KEYS[1])
"""
)

_RETRY = (
    _LIB
    + """
local f = redis.call('HMGET', KEYS[1], 'state', 'queue', 'ord')
if f[1] ~= 'pending' then return 0 end
redis.call('HINCRBY', KEYS[1], 'attempts', ARGV[5])
redis.call('HSET', KEYS[1], 'not_before', ARGV[3], 'last_error', ARGV[4], 'leased_until', '0', 'owner', '')
redis.call('ZREM', base .. 'leased', ARGV[2])
unhold(ARGV[2], f[2])
rearm_head(f[2])
return 1
"""
)

_FINISH = (
    _LIB
    + """
local f = redis.call('HMGET', KEYS[1], 'state', 'queue', 'ord')
if f[1] ~= 'pending' then return 0 end
leave_queue(ARGV[2], f[2], f[3])
if ARGV[4] == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'done', 'payload', '', 'leased_until', '0', 'owner', '', 'finished_at', ARGV[3])
  redis.call('ZADD', base .. 'done', 0, f[3])
  redis.call('ZADD', base .. 'finished', ARGV[3], ARGV[2])
else
  redis.call('HSET', KEYS[1], 'state', 'dead', 'last_error', ARGV[5], 'leased_until', '0', 'owner', '',
             'finished_at', ARGV[3])
  redis.call('ZADD', base .. 'dead', 0, f[3])
end
return 1
"""
)

_REVIVE = (
    _LIB
    + """
local f = redis.call('HMGET', KEYS[1], 'state', 'queue', 'ord', 'received_at')
if f[1] ~= 'dead' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'pending', 'attempts', '0', 'not_before', ARGV[3], 'leased_until', '0',
           'finished_at', '0', 'owner', '')
redis.call('ZREM', base .. 'dead', f[3])
join_queue(ARGV[2], f[2], f[3], f[4], '0')
return 1
"""
)

_DROP = (
    _LIB
    + """
local f = redis.call('HMGET', KEYS[1], 'state', 'ord')
if f[1] ~= 'dead' then return 0 end
redis.call('ZREM', base .. 'dead', f[2])
redis.call('DEL', KEYS[1])
return 1
"""
)

_PURGE = (
    _LIB
    + """
local ids = redis.call('ZRANGEBYSCORE', base .. 'finished', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local ord = redis.call('HGET', ikey(id), 'ord')
  if ord then redis.call('ZREM', base .. 'done', ord) end
  redis.call('DEL', ikey(id))
  redis.call('ZREM', base .. 'finished', id)
end
return ids
"""
)

_FORGET_WHERE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_STATE_SET = {ItemState.PENDING: "pending", ItemState.DONE: "done", ItemState.DEAD: "dead"}


def _item(h: dict[bytes, bytes]) -> InboxItem:
    def text(name: str) -> str:
        return as_text(h.get(name.encode(), b""))

    return InboxItem(
        id=text("ord")[_ORD_WIDTH:],
        suite_id=text("suite_id"),
        payload=bytes(h.get(b"payload", b"")),
        received_at=float(text("received_at")),
        queue=text("queue"),
        source=CallbackSource(text("source")),
        event_time=int(text("event_time")),
        attempts=int(text("attempts")),
        not_before=float(text("not_before")),
        last_error=text("last_error"),
        state=ItemState(text("state")),
        leased_until=float(text("leased_until")),
        finished_at=float(text("finished_at")),
    )


def _pairs(flat: list[Any]) -> dict[bytes, bytes]:
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


class RedisInbox:
    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock
        register = connection.script
        self._put = register(_PUT)
        self._claim = register(_CLAIM)
        self._renew = register(_RENEW)
        self._retry = register(_RETRY)
        self._finish = register(_FINISH)
        self._revive = register(_REVIVE)
        self._drop = register(_DROP)
        self._purge = register(_PURGE)
        self._forget_where = register(_FORGET_WHERE)
        self._suites_key = connection.key("inbox", "suites")

    def _base(self, suite_id: str) -> str:
        return f"{self._c.suite(suite_id)}inbox:"

    def _where(self, item_id: str) -> str:
        return self._c.key("inbox", "where", item_id)

    def _suite_of(self, item_id: str) -> str | None:
        found = self._c.r.get(self._where(item_id))
        return None if found is None else found.decode()

    # -- recording ---------------------------------------------------------------------------------
    @translated
    def put(self, item: InboxItem) -> bool:
        r = self._c.r
        where = self._where(item.id)
        base = self._base(item.suite_id)
        with r.pipeline(transaction=False) as pipe:
            pipe.sadd(self._suites_key, item.suite_id)
            pipe.set(where, item.suite_id, nx=True)
            _, created = pipe.execute()
        if not created:
            owner = self._suite_of(item.id)
            if owner != item.suite_id:
                if owner is not None and r.exists(f"{self._base(owner)}item:{item.id}"):
                    return False  # known in another suite: the id decides
                r.set(where, item.suite_id)  # left behind by a put that died before its script ran
        return bool(self.write_item(base, item))

    def write_item(self, base: str, item: InboxItem) -> Any:
        ord_ = order_bytes(item.event_time, item.received_at, item.id)
        state = ItemState(item.state).value
        fields: list[Any] = [
            "suite_id", item.suite_id, "payload", item.payload, "received_at", num(item.received_at),
            "queue", item.queue, "source", CallbackSource(item.source).value, "event_time", str(int(item.event_time)),
            "attempts", str(int(item.attempts)), "not_before", num(item.not_before), "last_error", item.last_error,
            "state", state, "leased_until", num(item.leased_until), "finished_at", num(item.finished_at),
            "ord", ord_, "owner", "",
        ]  # fmt: skip
        return self._put(
            keys=[f"{base}item:{item.id}"],
            args=[
                base, item.id, state, ord_, item.queue, num(item.received_at), num(item.leased_until),
                num(item.finished_at), *fields,
            ],
        )  # fmt: skip

    # -- processing --------------------------------------------------------------------------------
    @translated
    def claim(self, suite_id: str, *, now: float, lease_seconds: float) -> InboxClaim | None:
        base = self._base(suite_id)
        owner = secrets.token_hex(16)
        until = now + lease_seconds
        row = self._claim(keys=[f"{base}ready"], args=[base, num(now), num(until), owner])
        if not row:
            return None
        return InboxClaim(_item(_pairs(row)), owner, until)

    @translated
    def renew(self, claim: InboxClaim, *, now: float, lease_seconds: float) -> InboxClaim | None:
        base = self._base(claim.item.suite_id)
        until = now + lease_seconds
        row = self._renew(
            keys=[f"{base}item:{claim.item.id}"], args=[base, claim.item.id, claim.owner, num(now), num(until)]
        )
        if not row:
            return None
        return InboxClaim(_item(_pairs(row)), claim.owner, until)

    def _on_item(self, item_id: str) -> tuple[str, str] | None:
        suite_id = self._suite_of(item_id)
        if suite_id is None:
            return None
        base = self._base(suite_id)
        return base, f"{base}item:{item_id}"

    @translated
    def complete(self, item_id: str, *, now: float) -> None:
        found = self._on_item(item_id)
        if found is not None:
            self._finish(keys=[found[1]], args=[found[0], item_id, num(now), "done", ""])

    @translated
    def retry_later(self, item_id: str, *, not_before: float, error: str, count_attempt: bool = True) -> None:
        found = self._on_item(item_id)
        if found is not None:
            self._retry(keys=[found[1]], args=[found[0], item_id, num(not_before), error, int(count_attempt)])

    @translated
    def bury(self, item_id: str, *, now: float, error: str) -> None:
        found = self._on_item(item_id)
        if found is not None:
            self._finish(keys=[found[1]], args=[found[0], item_id, num(now), "dead", error])

    @translated
    def revive(self, item_id: str, *, now: float) -> bool:
        found = self._on_item(item_id)
        return found is not None and bool(self._revive(keys=[found[1]], args=[found[0], item_id, num(now)]))

    @translated
    def drop(self, item_id: str) -> bool:
        suite_id = self._suite_of(item_id)
        if suite_id is None:
            return False
        base = self._base(suite_id)
        if not self._drop(keys=[f"{base}item:{item_id}"], args=[base, item_id]):
            return False
        self._forget_where(keys=[self._where(item_id)], args=[suite_id])
        return True

    # -- reading -----------------------------------------------------------------------------------
    @translated
    def get_item(self, item_id: str) -> InboxItem | None:
        found = self._on_item(item_id)
        if found is None:
            return None
        h = self._c.r.hgetall(found[1])
        return _item(h) if h else None

    def _items(self, base: str, ords: list[bytes]) -> list[InboxItem]:
        with self._c.r.pipeline(transaction=False) as pipe:
            for ord_ in ords:
                pipe.hgetall(f"{base}item:{ord_[_ORD_WIDTH:].decode()}")
            return [_item(h) for h in pipe.execute() if h]

    def _list_suite(self, suite_id: str, state: ItemState, limit: int, queue: str | None) -> list[InboxItem]:
        base = self._base(suite_id)
        r = self._c.r
        if state is ItemState.PENDING:
            key = f"{base}pending" if queue is None else f"{base}q:{queue}"
            return self._items(base, r.zrange(key, 0, limit - 1))[:limit]
        key = f"{base}{_STATE_SET[state]}"
        if queue is None:
            return self._items(base, r.zrange(key, 0, limit - 1))[:limit]
        found: list[InboxItem] = []
        start = 0
        while len(found) < limit:  # finished items have no per-queue index: page through the suite's
            page = r.zrange(key, start, start + 499)
            if not page:
                break
            found += [i for i in self._items(base, page) if i.queue == queue]
            start += len(page)
        return found[:limit]

    @translated
    def list_items(
        self,
        suite_id: str | None = None,
        *,
        state: ItemState = ItemState.PENDING,
        limit: int = 100,
        queue: str | None = None,
    ) -> Iterator[InboxItem]:
        state = ItemState(state)
        if limit <= 0:
            return iter([])
        if suite_id is not None:
            return iter(self._list_suite(suite_id, state, limit, queue))
        found: list[InboxItem] = []
        for suite in sorted(m.decode() for m in self._c.r.smembers(self._suites_key)):
            found += self._list_suite(suite, state, limit, queue)
        found.sort(key=lambda item: item.order_key)
        return iter(found[:limit])

    @translated
    def purge(self, *, finished_before: float, limit: int = 500) -> int:
        left = max(0, limit)
        purged = 0
        for suite in sorted(m.decode() for m in self._c.r.smembers(self._suites_key)):
            if left <= 0:
                break
            base = self._base(suite)
            ids = self._purge(keys=[f"{base}finished"], args=[base, num(finished_before), left])
            if ids:
                with self._c.r.pipeline(transaction=False) as pipe:
                    for item_id in ids:
                        self._forget_where(keys=[self._where(item_id.decode())], args=[suite], client=pipe)
                    pipe.execute()
            purged += len(ids)
            left -= len(ids)
        return purged

    @translated
    def stats(self, suite_id: str) -> InboxStats:
        base = self._base(suite_id)
        now = self._clock.now()
        with self._c.r.pipeline(transaction=True) as pipe:
            pipe.zcard(f"{base}pending")
            pipe.zcount(f"{base}leased", f"({num(now)}", "+inf")
            pipe.zcard(f"{base}dead")
            pipe.zcard(f"{base}done")
            pipe.zrange(f"{base}arrived", 0, 0, withscores=True)
            pipe.scard(f"{base}queues")
            pending, in_progress, dead, done, oldest, queues = pipe.execute()
        return InboxStats(
            pending=int(pending),
            in_progress=int(in_progress),
            dead=int(dead),
            done=int(done),
            oldest_pending_at=float(oldest[0][1]) if oldest else None,
            queues=int(queues),
        )
