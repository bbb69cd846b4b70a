"""Tickets in one hash per suite; a Lua compare keeps the newest by ``received_at``."""

from __future__ import annotations

from ...clock import Clock
from ..records import SuiteTicket
from ..tickets import checked_ticket
from .connection import Connection, num, translated

__all__ = ["RedisTickets"]

_SAVE_TICKET = """
local current = redis.call('HGET', KEYS[1], 'received_at')
if current and tonumber(current) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'ticket', ARGV[1], 'received_at', ARGV[2])
return 1
"""


class RedisTickets:
    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock
        self._save = connection.script(_SAVE_TICKET)

    @translated
    def save_ticket(self, ticket: SuiteTicket) -> None:
        self._save(keys=[self._c.key("ticket", ticket.suite_id)], args=[ticket.ticket, num(ticket.received_at)])

    @translated
    def get_ticket(self, suite_id: str, *, allow_expired: bool = False) -> SuiteTicket:
        ticket, received_at = self._c.r.hmget(self._c.key("ticket", suite_id), ["ticket", "received_at"])
        found = None if ticket is None else SuiteTicket(suite_id, ticket.decode(), float(received_at or 0))
        return checked_ticket(suite_id, found, now=self._clock.now(), allow_expired=allow_expired)
