"""Fault injection per endpoint: make the sandbox slow, broken or rude on purpose, the next N times."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["ANY_ENDPOINT", "Fault", "FaultKind", "Faults"]

ANY_ENDPOINT = "*"


class FaultKind(str, Enum):
    LATENCY = "latency"  # answer normally, after ``seconds``
    HTTP_ERROR = "http_error"  # HTTP ``status`` (5xx) with a plain-text body
    ERRCODE = "errcode"  # HTTP 200 with WeCom's JSON error ``errcode`` (-1, 45009, 40082, ...)
    DROP = "drop"  # close the connection without answering
    SLOW_BODY = "slow_body"  # headers at once, then the real body trickled over ``seconds``


@dataclass
class Fault:
    """One armed fault. ``times=None`` means every call until cleared."""

    endpoint: str
    kind: FaultKind
    times: int | None = 1
    seconds: float = 0.0
    status: int = 500
    errcode: int = -1

    def as_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "kind": self.kind.value, "times": self.times, "seconds": self.seconds,
                "status": self.status, "errcode": self.errcode}


class Faults:
    """The armed faults, consumed first-in first-out per endpoint (``"*"`` matches every endpoint)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.times is not None and fault.times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        if fault.kind is FaultKind.HTTP_ERROR and not 400 <= fault.status <= 599:
            raise ValueError("an http_error fault needs a 4xx/5xx status")
        if fault.seconds < 0:
            raise ValueError("seconds must not be negative")
        with self._lock:
            self._armed.append(fault)
        return fault

    def latency(self, endpoint: str, seconds: float, *, times: int | None = 1) -> Fault:
        return self.add(Fault(_path(endpoint), FaultKind.LATENCY, times, seconds=seconds))

    def http_error(self, endpoint: str, status: int = 500, *, times: int | None = 1) -> Fault:
        return self.add(Fault(_path(endpoint), FaultKind.HTTP_ERROR, times, status=status))

    def errcode(self, endpoint: str, errcode: int = -1, *, times: int | None = 1) -> Fault:
        """E.g. ``errcode("service/get_suite_token", 45009, times=3)`` (throttled three times)."""
        return self.add(Fault(_path(endpoint), FaultKind.ERRCODE, times, errcode=errcode))

    def drop(self, endpoint: str, *, times: int | None = 1) -> Fault:
        return self.add(Fault(_path(endpoint), FaultKind.DROP, times))

    def slow_body(self, endpoint: str, seconds: float, *, times: int | None = 1) -> Fault:
        return self.add(Fault(_path(endpoint), FaultKind.SLOW_BODY, times, seconds=seconds))

    def take(self, endpoint: str) -> Fault | None:
        """The fault to apply to this call (its remaining count goes down), or None."""
        with self._lock:
            for fault in self._armed:
                if fault.endpoint in (endpoint, ANY_ENDPOINT):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._armed.remove(fault)
                    return fault
            return None

    def clear(self, endpoint: str | None = None) -> None:
        with self._lock:
            if endpoint is None:
                self._armed.clear()
            else:
                self._armed = [f for f in self._armed if f.endpoint != _path(endpoint)]

    def armed(self) -> list[Fault]:
        with self._lock:
            return list(self._armed)


def _path(endpoint: str) -> str:
    return endpoint.removeprefix("/cgi-bin/").lstrip("/") or ANY_ENDPOINT
