"""A store is a bundle of parts; each part is a small protocol with one concept.

The app asks for the part it needs (``store.inbox``, ``store.leases``, ...). One backend usually
supplies every part over one connection, but parts may come from different backends: a deployment
can keep the registry and the inbox in PostgreSQL and the tokens and leases in Redis (see
:func:`~wecom_suite.stores.url.open_store` and docs/deployment.md).

Method names are unique across parts (``save_ticket``, ``get_token``, ``save_company``, ...), so one
object may implement several parts and a search for a name finds every use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .companies import Companies
from .inbox import Inbox
from .install_states import InstallStates
from .leases import Leases
from .tickets import Tickets
from .tokens import Tokens

__all__ = ["PART_NAMES", "Store"]

PART_NAMES = ("tickets", "tokens", "leases", "companies", "inbox", "install_states")


@dataclass(eq=False)
class Store:
    """Every part a suite needs. ``url`` names where the data lives (passwords redacted when shown).

    Many suites can share one store: every key includes the suite id (or the provider corp id).
    ``close()`` closes each backend once (in the order they were given).
    """

    tickets: Tickets
    tokens: Tokens
    leases: Leases
    companies: Companies
    inbox: Inbox
    install_states: InstallStates
    url: str
    closers: Sequence[Callable[[], None]] = field(default=(), repr=False)

    def close(self) -> None:
        for close in self.closers:
            close()

    def __repr__(self) -> str:
        from .url import redact_store_url

        return f"Store({redact_store_url(self.url)!r})"
