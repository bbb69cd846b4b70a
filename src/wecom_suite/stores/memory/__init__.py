"""An in-process store: for tests and single-process tools. Thread-safe; nothing survives the process."""

from __future__ import annotations

from ...clock import DEFAULT_CLOCK, Clock
from ..store import Store
from .companies import MemoryCompanies
from .inbox import MemoryInbox
from .install_states import MemoryInstallStates
from .leases import MemoryLeases
from .tickets import MemoryTickets
from .tokens import MemoryTokens

__all__ = ["MemoryStore"]


class MemoryStore(Store):
    """Every part in plain dicts; leases and ticket expiry use ``clock``."""

    def __init__(self, clock: Clock | None = None) -> None:
        clock = clock or DEFAULT_CLOCK
        super().__init__(
            tickets=MemoryTickets(clock),
            tokens=MemoryTokens(),
            leases=MemoryLeases(clock),
            companies=MemoryCompanies(),
            inbox=MemoryInbox(clock),
            install_states=MemoryInstallStates(),
            url="memory://",
        )

    def __repr__(self) -> str:
        return "MemoryStore()"
