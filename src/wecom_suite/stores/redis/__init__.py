"""The store for many hosts: every part in one Redis database, every read-modify-write one Lua script.

Leases are ``SET NX PX`` with a random owner token, so a holder that dies lets its key expire on the
server. Everything of one suite that changes together (a company and its indexes, the inbox) shares a
hash tag, so each script touches one hash slot. Key layout: :mod:`.connection`; the inbox:
:mod:`.inbox`; the layout version and the upgrade from 0.1: :mod:`.schema`. Needs the ``redis`` extra.

Durability: a write returns once the Redis server has applied it and answered; whether it survives the
server's crash is the server's persistence setting (docs/delivery.md). For the inbox, run the server with
``appendonly yes`` and ``appendfsync always`` (nothing acknowledged is lost) or ``everysec`` (a power
loss or OS crash can lose the last second of acknowledged writes; a crash of redis-server alone loses
nothing). Without persistence, or through a failover to an asynchronous replica, acknowledged
callbacks can be lost.
"""

from __future__ import annotations

from ...clock import DEFAULT_CLOCK, Clock
from ..store import Store
from .companies import RedisCompanies
from .connection import Connection
from .inbox import RedisInbox
from .install_states import RedisInstallStates
from .leases import RedisLeases
from .schema import ensure_schema
from .tickets import RedisTickets
from .tokens import RedisTokens

__all__ = ["RedisStore"]


class RedisStore(Store):
    """Every part in the Redis database ``url`` names, keys under ``prefix``.

    ``clock`` judges ticket ages and stamps lease expiries; the leases themselves expire on the server.
    Opening does not connect; the first call checks the key layout version (upgrading 0.1's keys
    once). Every call raises :class:`~wecom_suite.errors.StoreError` with a hint when the server
    cannot be reached, and after ``close()`` ("... is closed").
    """

    def __init__(self, url: str, clock: Clock | None = None, *, prefix: str = "wecom-suite") -> None:
        clock = clock or DEFAULT_CLOCK
        connection = Connection(url, prefix)
        companies = RedisCompanies(connection)
        inbox = RedisInbox(connection, clock)
        super().__init__(
            tickets=RedisTickets(connection, clock),
            tokens=RedisTokens(connection, clock),
            leases=RedisLeases(connection, clock),
            companies=companies,
            inbox=inbox,
            install_states=RedisInstallStates(connection, clock),
            url=connection.url,
            closers=(connection.close,),
        )
        connection.schema_check = lambda: ensure_schema(connection, companies, inbox)

    def __repr__(self) -> str:
        return f"RedisStore({self.url!r})"
