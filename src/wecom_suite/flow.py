"""Sans-I/O flows: generators that yield typed steps and receive their results, and the one pair of drivers.

Two flows use this: an API call (:mod:`wecom_suite.api.call_flow`: ``NeedToken``, ``Send``, ``DropToken``,
``Pause``) and a token refresh (:mod:`wecom_suite.tokens.flight`: ``ReadToken``, ``TakeLease``,
``FetchGrant``, ``WriteToken``, ``ReleaseLease``, ``Pause``). The decisions live in the generators; a
shell only says how to carry out each step (blocking or with ``await``) and hands the step function to
:func:`run` or :func:`run_async`. Whatever a step raises is thrown back into the flow, so a flow can clean
up (release a lease) before the error reaches the caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["Pause", "run", "run_async"]

S = TypeVar("S")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait ``seconds`` (the shell's sleep, injectable in tests), then send back None."""

    seconds: float


def run(flow: Generator[S, Any, R], execute: Callable[[S], Any]) -> R:
    """Drive ``flow`` to its end, carrying out each step with ``execute``; the flow's result or error."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: R = stop.value
            return result
        try:
            value, error = execute(step), None
        except BaseException as exc:  # the flow decides what the failure means
            value, error = None, exc


async def run_async(flow: Generator[S, Any, R], execute: Callable[[S], Awaitable[Any]]) -> R:
    """:func:`run`, awaiting each step."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: R = stop.value
            return result
        try:
            value, error = await execute(step), None
        except BaseException as exc:  # the flow decides what the failure means
            value, error = None, exc
